package dev.fathom.drafters.compute.cuda;

import dev.fathom.drafters.gguf.GgmlType;

/**
 * The device functions of {@code drafters/src/main/cuda/dequant.cuh}, repeated on the host line for
 * line (same index arithmetic, same byte reads), so that their indexing can be checked against the
 * scalar reference kernels on a machine without a GPU ({@code CudaDequantEmulationTest}). A change
 * to one must be made to the other.
 */
final class CudaDequantEmulation {
  private CudaDequantEmulation() {}

  /**
   * Element {@code i} of the row starting at byte {@code r} of {@code w}, as the kernel reads it.
   */
  static float at(GgmlType type, byte[] w, int r, int i) {
    return switch (type) {
      case F32 -> f32(w, r, i);
      case F16 -> f16At(w, r + 2 * i);
      case BF16 -> Float.intBitsToFloat((u8(w, r + 2 * i) | (u8(w, r + 2 * i + 1) << 8)) << 16);
      case Q8_0 -> q8_0(w, r, i);
      case Q4_0 -> q4_0(w, r, i);
      case Q4_K -> q4K(w, r, i);
      case Q5_K -> q5K(w, r, i);
      case Q6_K -> q6K(w, r, i);
      default -> throw new UnsupportedOperationException(type.toString());
    };
  }

  private static int u8(byte[] w, int o) {
    return w[o] & 0xFF;
  }

  private static float f16At(byte[] w, int o) {
    return Float.float16ToFloat((short) (u8(w, o) | (u8(w, o + 1) << 8)));
  }

  private static float f32(byte[] w, int r, int i) {
    int p = r + 4 * i;
    return Float.intBitsToFloat(
        u8(w, p) | (u8(w, p + 1) << 8) | (u8(w, p + 2) << 16) | (u8(w, p + 3) << 24));
  }

  private static float q8_0(byte[] w, int r, int i) {
    int b = r + 34 * (i / 32);
    return (float) w[b + 2 + i % 32] * f16At(w, b);
  }

  private static float q4_0(byte[] w, int r, int i) {
    int b = r + 18 * (i / 32);
    int j = i % 32;
    int q = j < 16 ? (u8(w, b + 2 + j) & 0x0F) : (u8(w, b + 2 + j - 16) >> 4);
    return (float) (q - 8) * f16At(w, b);
  }

  /** scale_min_k4: {@code {scale, min}} of sub-block {@code s}. */
  private static int[] scaleMinK4(byte[] w, int q, int s) {
    if (s < 4) {
      return new int[] {u8(w, q + s) & 63, u8(w, q + s + 4) & 63};
    }
    return new int[] {
      (u8(w, q + s + 4) & 0x0F) | ((u8(w, q + s - 4) >> 6) << 4),
      (u8(w, q + s + 4) >> 4) | ((u8(w, q + s) >> 6) << 4)
    };
  }

  private static float q4K(byte[] w, int r, int i) {
    int b = r + 144 * (i / 256);
    int j = i % 256;
    int c = j / 64;
    int hi = (j / 32) & 1;
    int l = j % 32;
    int[] sm = scaleMinK4(w, b + 4, 2 * c + hi);
    int by = u8(w, b + 16 + 32 * c + l);
    int q = hi != 0 ? (by >> 4) : (by & 0x0F);
    return f16At(w, b) * (float) sm[0] * (float) q - f16At(w, b + 2) * (float) sm[1];
  }

  private static float q5K(byte[] w, int r, int i) {
    int b = r + 176 * (i / 256);
    int j = i % 256;
    int c = j / 64;
    int hi = (j / 32) & 1;
    int l = j % 32;
    int[] sm = scaleMinK4(w, b + 4, 2 * c + hi);
    int by = u8(w, b + 48 + 32 * c + l);
    int q = (hi != 0 ? (by >> 4) : (by & 0x0F)) | (((u8(w, b + 16 + l) >> (2 * c + hi)) & 1) << 4);
    return f16At(w, b) * (float) sm[0] * (float) q - f16At(w, b + 2) * (float) sm[1];
  }

  private static float q6K(byte[] w, int r, int i) {
    int b = r + 210 * (i / 256);
    int j = i % 256;
    int h = j / 128;
    int k = (j % 128) / 32;
    int l = j % 32;
    int by = u8(w, b + 64 * h + 32 * (k & 1) + l);
    int low = k < 2 ? (by & 0x0F) : (by >> 4);
    int q = low | (((u8(w, b + 128 + 32 * h + l) >> (2 * k)) & 3) << 4);
    float scale = (float) w[b + 192 + 8 * h + l / 16 + 2 * k];
    return f16At(w, b + 208) * scale * (float) (q - 32);
  }
}
