package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** One hand-built block of each 32-element type, decoded against values worked out by hand. */
class ScalarBlockKernelsTest {
  @Test
  void q8_0IsScaleTimesSignedByte() {
    byte[] block = new byte[34];
    block[0] = 0x00; // d = 0.5 as f16 0x3800, little-endian
    block[1] = 0x38;
    for (int i = 0; i < 32; i++) {
      block[2 + i] = (byte) (i - 16);
    }
    float[] out = new float[32];
    ScalarBlockKernels.Q8_0.dequantize(MemorySegment.ofArray(block), 0, out, 0, 32);
    for (int i = 0; i < 32; i++) {
      assertEquals((i - 16) * 0.5f, out[i], 0f, "element " + i);
    }
  }

  @Test
  void q4_0LowNibblesAreTheFirstHalfAndHighNibblesTheSecond() {
    byte[] block = new byte[18];
    block[0] = 0x00; // d = 2.0 as f16 0x4000
    block[1] = 0x40;
    for (int j = 0; j < 16; j++) {
      block[2 + j] = (byte) (j | ((15 - j) << 4));
    }
    float[] out = new float[32];
    ScalarBlockKernels.Q4_0.dequantize(MemorySegment.ofArray(block), 0, out, 0, 32);
    assertEquals(-16f, out[0], 0f); // (0 - 8) * 2
    assertEquals(14f, out[15], 0f); // (15 - 8) * 2
    assertEquals(14f, out[16], 0f); // high nibble of qs[0] = 15
    assertEquals(-16f, out[31], 0f); // high nibble of qs[15] = 0
    for (int j = 0; j < 16; j++) {
      assertEquals((j - 8) * 2f, out[j], 0f, "element " + j);
      assertEquals((7 - j) * 2f, out[16 + j], 0f, "element " + (16 + j));
    }
  }

  @Test
  void dotMatchesDequantisedRowAcrossBlocks() {
    byte[] blocks = new byte[2 * 34];
    blocks[1] = 0x3C; // d = 1.0
    blocks[35] = 0x40; // d = 2.0
    blocks[2] = 3; // element 0
    blocks[34 + 2 + 31] = -5; // element 63
    float[] x = new float[64];
    x[0] = 2f;
    x[63] = 0.5f;
    float dot = ScalarBlockKernels.Q8_0.dot(MemorySegment.ofArray(blocks), 0, x, 0, 64);
    assertEquals(3f * 2f + (-5f * 2f) * 0.5f, dot, 0f);
  }
}
