package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ScalarFloatKernelsTest {
  private static MemorySegment shorts(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return MemorySegment.ofArray(b.array());
  }

  @Test
  void f16DecodesNormalsSubnormalsAndInfinity() {
    // 1.0, -2.0, 0.5, smallest subnormal 2^-24, +inf
    MemorySegment w = shorts(0x3C00, 0xC000, 0x3800, 0x0001, 0x7C00);
    float[] out = new float[5];
    ScalarFloatKernels.F16.dequantize(w, 0, out, 0, 5);
    assertArrayEquals(new float[] {1f, -2f, 0.5f, 0x1p-24f, Float.POSITIVE_INFINITY}, out, 0f);
  }

  @Test
  void bf16IsTheUpperHalfOfAFloat() {
    MemorySegment w = shorts(0x3F80, 0xC040, 0x4049); // 1.0, -3.0, 3.140625
    float[] out = new float[3];
    ScalarFloatKernels.BF16.dequantize(w, 0, out, 0, 3);
    assertArrayEquals(new float[] {1f, -3f, 3.140625f}, out, 0f);
  }

  @Test
  void f32DotReadsLittleEndianFloatsFromTheOffset() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(99f).putFloat(1.5f).putFloat(-2f).putFloat(4f);
    MemorySegment w = MemorySegment.ofArray(b.array());
    float dot = ScalarFloatKernels.F32.dot(w, 4, new float[] {0f, 2f, 1f, 0.25f}, 1, 3);
    assertEquals(1.5f * 2f - 2f * 1f + 4f * 0.25f, dot, 0f);
  }
}
