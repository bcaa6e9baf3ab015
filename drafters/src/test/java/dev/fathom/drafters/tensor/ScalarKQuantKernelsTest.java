package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * One hand-packed super-block of each k-quant. The test packs chosen quants, scales and mins into
 * bytes following ggml's {@code block_q*_K} structs (the inverse of the decoder), so the layout is
 * checked, not only the decoder's agreement with itself.
 */
class ScalarKQuantKernelsTest {
  // Six-bit scales and mins of the eight sub-blocks; those of 4..7 exceed 15, so their top bits
  // must come from the high bits of bytes 0..7.
  private static final int[] SC = {1, 2, 3, 4, 33, 17, 50, 63};
  private static final int[] MN = {5, 6, 7, 8, 20, 40, 9, 61};

  /** The 12 {@code scales} bytes of Q4_K/Q5_K, packed as {@code get_scale_min_k4} unpacks. */
  private static void packScales(byte[] block, int at) {
    for (int j = 0; j < 4; j++) {
      block[at + j] = (byte) (SC[j] | ((SC[j + 4] >> 4) << 6));
      block[at + 4 + j] = (byte) (MN[j] | ((MN[j + 4] >> 4) << 6));
      block[at + 8 + j] = (byte) ((SC[j + 4] & 0x0F) | ((MN[j + 4] & 0x0F) << 4));
    }
  }

  private static void half(byte[] block, int at, float value) {
    short h = Float.floatToFloat16(value);
    block[at] = (byte) h;
    block[at + 1] = (byte) (h >> 8);
  }

  @Test
  void q4_KAppliesSixBitScalesAndMinsPerSubBlock() {
    byte[] block = new byte[144];
    half(block, 0, 0.5f); // d
    half(block, 2, 0.25f); // dmin
    packScales(block, 4);
    int[] q = new int[256];
    for (int e = 0; e < 256; e++) {
      q[e] = (e * 7 + 3) & 15;
      int chunk = e / 64;
      int l = e % 32;
      boolean high = (e % 64) >= 32;
      block[16 + 32 * chunk + l] |= (byte) (high ? q[e] << 4 : q[e]);
    }
    float[] out = new float[256];
    ScalarKQuantKernels.Q4_K.dequantize(MemorySegment.ofArray(block), 0, out, 0, 256);
    for (int e = 0; e < 256; e++) {
      int s = e / 32;
      assertEquals(0.5f * SC[s] * q[e] - 0.25f * MN[s], out[e], 1e-6f, "element " + e);
    }
    assertEquals(0.5f * 63 * q[255] - 0.25f * 61, out[255], 1e-6f);
  }

  @Test
  void q5_KTakesTheFifthBitFromQh() {
    byte[] block = new byte[176];
    half(block, 0, 0.5f);
    half(block, 2, 0.25f);
    packScales(block, 4);
    int[] q = new int[256];
    for (int e = 0; e < 256; e++) {
      q[e] = (e * 11 + 5) & 31;
      int s = e / 32;
      int l = e % 32;
      block[48 + 32 * (s / 2) + l] |= (byte) ((s % 2 == 1) ? (q[e] & 15) << 4 : q[e] & 15);
      block[16 + l] |= (byte) ((q[e] >> 4) << s);
    }
    float[] out = new float[256];
    ScalarKQuantKernels.Q5_K.dequantize(MemorySegment.ofArray(block), 0, out, 0, 256);
    for (int e = 0; e < 256; e++) {
      int s = e / 32;
      assertEquals(0.5f * SC[s] * q[e] - 0.25f * MN[s], out[e], 1e-6f, "element " + e);
    }
  }

  @Test
  void q6_KSplitsSixBitQuantsOverQlAndQhWithSignedScales() {
    byte[] block = new byte[210];
    byte[] scales = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -127};
    System.arraycopy(scales, 0, block, 192, 16);
    half(block, 208, 0.125f);
    int[] q = new int[256];
    for (int e = 0; e < 256; e++) {
      q[e] = (e * 5 + 3) & 63;
      int half = e / 128;
      int k = (e % 128) / 32;
      int l = e % 32;
      int ql = 64 * half + l + 32 * (k % 2);
      block[ql] |= (byte) (k < 2 ? q[e] & 15 : (q[e] & 15) << 4);
      block[128 + 32 * half + l] |= (byte) ((q[e] >> 4) << (2 * k));
    }
    float[] out = new float[256];
    ScalarKQuantKernels.Q6_K.dequantize(MemorySegment.ofArray(block), 0, out, 0, 256);
    for (int e = 0; e < 256; e++) {
      int scale = scales[e / 16]; // 16 elements per scale, in element order
      assertEquals(0.125f * scale * (q[e] - 32), out[e], 1e-6f, "element " + e);
    }
  }
}
