package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.L;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Rewrites Q4_K and Q6_K super-blocks at load into a "lane-major" layout for the Vector API
 * matrix–vector product ({@link VectorRepackedKernels}), in the spirit of the repacked layouts
 * llama.cpp builds for AVX2/AVX-512 ({@code ggml-cpu/repack.cpp}). The 256 weights of a super-block
 * are spread over {@code 256 / L} vectors of {@code L} lanes so that <em>each lane belongs to one
 * sub-block</em>: the sub-block scales then act lane-wise, as one vector multiply-add per
 * super-block, instead of a scalar unpack, convert, multiply and broadcast per sub-block. The input
 * is permuted into the same order once per product ({@link VectorRepackedKernels#sums}).
 *
 * <p>Q4_K (148 bytes, 4.625 bits per weight; ggml's block is 144): {@code f16 d, f16 dmin, u8
 * sc[8], u8 m[8], u8 qs[128]}, the 6-bit scales and mins unpacked from {@code get_scale_min_k4};
 * weight {@code e} of lane {@code l} of vector {@code v} is {@code e = 32 (l % 8) + V (l / 8) + v}
 * with {@code V = 256 / L} (lane {@code l} holds half or all of sub-block {@code l % 8}); chunk
 * {@code k} of {@code L} bytes holds vector {@code 2k} in its low nibbles and {@code 2k + 1} in its
 * high ones.
 *
 * <p>Q6_K (210 bytes, as ggml's): {@code f16 d, i8 sc[16], u8 q[192]}; {@code e = 16 (l + L (v /
 * 16)) + v % 16} (lane {@code l} of the vectors {@code 16g .. 16g + 15} is sub-block {@code l +
 * Lg}); the six-bit quants of vectors {@code 4u .. 4u + 3} fill three chunks {@code A, B, C} of
 * {@code L} bytes: the low six bits of {@code A, B, C} are vectors {@code 4u, 4u + 1, 4u + 2}, and
 * their top two bits carry bits 0–1, 2–3 and 4–5 of vector {@code 4u + 3}, so three quarters of the
 * quants unpack with one mask.
 *
 * <p>The repacked bytes are the weights llama.cpp dequantises, rearranged: {@link
 * VectorRepackedKernels#dequantize} reproduces {@link ScalarKQuantKernels} element for element.
 */
final class KQuantRepack {
  static final int Q4_K_BYTES = 148;
  static final int Q6_K_BYTES = 210;

  /** For each repacked position {@code p = L v + l}: the super-block element it holds. */
  static final int[] Q4_K_ELEMENT = new int[256];

  static final int[] Q6_K_ELEMENT = new int[256];

  static {
    int vectors = 256 / L;
    for (int v = 0; v < vectors; v++) {
      for (int l = 0; l < L; l++) {
        Q4_K_ELEMENT[L * v + l] = 32 * (l % 8) + vectors * (l / 8) + v;
        Q6_K_ELEMENT[L * v + l] = 16 * (l + L * (v / 16)) + v % 16;
      }
    }
  }

  private KQuantRepack() {}

  /**
   * For repacked quant byte {@code j} of Q4_K: at {@code 2j} where its low nibble comes from, at
   * {@code 2j + 1} its high nibble: the byte of ggml's block ({@code Q4_SOURCE}) and the shift of
   * the nibble in it ({@code Q4_SHIFT}). ggml's group {@code e / 64} of {@code qs} holds element
   * {@code e} in its low nibbles when {@code e % 64 < 32}.
   */
  private static final int[] Q4_SOURCE = new int[256];

  private static final int[] Q4_SHIFT = new int[256];

  /**
   * For repacked position {@code p} of Q6_K, where ggml keeps its six-bit quant (0..63, before the
   * −32): in half {@code e / 128}, element {@code 32k + l} takes nibble {@code k / 2} of {@code
   * ql[l + 32 (k % 2)]} ({@code Q6_LOW}, {@code Q6_LOW_SHIFT}) and bits {@code 2k, 2k + 1} of
   * {@code qh[l]} ({@code Q6_HIGH}, {@code Q6_HIGH_SHIFT}).
   */
  private static final int[] Q6_LOW = new int[256];

  private static final int[] Q6_LOW_SHIFT = new int[256];
  private static final int[] Q6_HIGH = new int[256];
  private static final int[] Q6_HIGH_SHIFT = new int[256];

  static {
    for (int j = 0; j < 128; j++) {
      int chunk = j / L;
      int lane = j % L;
      for (int h = 0; h < 2; h++) {
        int e = Q4_K_ELEMENT[L * (2 * chunk + h) + lane];
        Q4_SOURCE[2 * j + h] = 16 + 32 * (e / 64) + e % 32;
        Q4_SHIFT[2 * j + h] = (e % 64) < 32 ? 0 : 4;
      }
    }
    for (int p = 0; p < 256; p++) {
      int e = Q6_K_ELEMENT[p];
      int half = e / 128;
      int k = (e % 128) / 32;
      int l = e % 32;
      Q6_LOW[p] = 64 * half + l + 32 * (k % 2);
      Q6_LOW_SHIFT[p] = 4 * (k / 2);
      Q6_HIGH[p] = 128 + 32 * half + l;
      Q6_HIGH_SHIFT[p] = 2 * k;
    }
  }

  /**
   * Repacks the {@code blocks} ggml Q4_K super-blocks at {@code src[so..]} to {@code dst[dp..]}.
   */
  static void q4K(MemorySegment src, long so, MemorySegment dst, long dp, int blocks) {
    byte[] in = new byte[144];
    byte[] scales = new byte[12];
    byte[] out = new byte[Q4_K_BYTES];
    for (int b = 0; b < blocks; b++) {
      MemorySegment.copy(src, ValueLayout.JAVA_BYTE, so + 144L * b, in, 0, 144);
      System.arraycopy(in, 4, scales, 0, 12);
      System.arraycopy(in, 0, out, 0, 4);
      for (int s = 0; s < 8; s++) {
        int sm = KQuants.scaleMin(scales, s);
        out[4 + s] = (byte) (sm & 0xFF);
        out[12 + s] = (byte) (sm >>> 8);
      }
      for (int j = 0; j < 128; j++) {
        int lo = ((in[Q4_SOURCE[2 * j]] & 0xFF) >>> Q4_SHIFT[2 * j]) & 0x0F;
        int hi = ((in[Q4_SOURCE[2 * j + 1]] & 0xFF) >>> Q4_SHIFT[2 * j + 1]) & 0x0F;
        out[20 + j] = (byte) (lo | hi << 4);
      }
      MemorySegment.copy(
          out, 0, dst, ValueLayout.JAVA_BYTE, dp + (long) Q4_K_BYTES * b, out.length);
    }
  }

  /**
   * Repacks the {@code blocks} ggml Q6_K super-blocks at {@code src[so..]} to {@code dst[dp..]}.
   */
  static void q6K(MemorySegment src, long so, MemorySegment dst, long dp, int blocks) {
    byte[] in = new byte[210];
    byte[] out = new byte[Q6_K_BYTES];
    int[] q = new int[256];
    for (int b = 0; b < blocks; b++) {
      MemorySegment.copy(src, ValueLayout.JAVA_BYTE, so + 210L * b, in, 0, 210);
      out[0] = in[208];
      out[1] = in[209];
      System.arraycopy(in, 192, out, 2, 16);
      for (int p = 0; p < 256; p++) {
        int lo = ((in[Q6_LOW[p]] & 0xFF) >>> Q6_LOW_SHIFT[p]) & 0x0F;
        q[p] = lo | (((in[Q6_HIGH[p]] & 0xFF) >>> Q6_HIGH_SHIFT[p]) & 3) << 4;
      }
      for (int u = 0; u < 256 / L / 4; u++) {
        int a = 18 + 3 * L * u;
        for (int l = 0; l < L; l++) {
          int q3 = q[L * (4 * u + 3) + l];
          out[a + l] = (byte) (q[L * (4 * u) + l] | (q3 & 3) << 6);
          out[a + L + l] = (byte) (q[L * (4 * u + 1) + l] | ((q3 >> 2) & 3) << 6);
          out[a + 2 * L + l] = (byte) (q[L * (4 * u + 2) + l] | ((q3 >> 4) & 3) << 6);
        }
      }
      MemorySegment.copy(
          out, 0, dst, ValueLayout.JAVA_BYTE, dp + (long) Q6_K_BYTES * b, out.length);
    }
  }
}
