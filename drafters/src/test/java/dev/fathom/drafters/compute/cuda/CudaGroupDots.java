package dev.fathom.drafters.compute.cuda;

import dev.fathom.drafters.gguf.GgmlType;

/**
 * The group dot products of {@code dequant.cuh} ({@code DotQ8_0}, {@code DotQ4_0}, {@code DotQ4_K},
 * {@code DotQ6_K}::group) repeated on the host line for line, for {@link
 * CudaKernelEmulation#matmulGroups}. A change to one must be made to the other.
 */
final class CudaGroupDots {
  private CudaGroupDots() {}

  private static int u8(byte[] w, int o) {
    return w[o] & 0xFF;
  }

  private static float f16At(byte[] w, int o) {
    return Float.float16ToFloat((short) (u8(w, o) | (u8(w, o + 1) << 8)));
  }

  /** Group {@code g} of the row at byte {@code r} times {@code x[xo .. xo + 32)}. */
  static float group(GgmlType type, byte[] w, int r, int g, float[] x, int xo) {
    return switch (type) {
      case Q8_0 -> {
        int b = r + 34 * g;
        float s = 0f;
        for (int j = 0; j < 32; j++) {
          s += (float) w[b + 2 + j] * x[xo + j];
        }
        yield s * f16At(w, b);
      }
      case Q4_0 -> {
        int b = r + 18 * g;
        float s = 0f;
        for (int j = 0; j < 16; j++) {
          int q = u8(w, b + 2 + j);
          s += (float) ((q & 0x0F) - 8) * x[xo + j] + (float) ((q >> 4) - 8) * x[xo + j + 16];
        }
        yield s * f16At(w, b);
      }
      case Q4_K -> q4K(w, r, g, x, xo);
      case Q6_K -> q6K(w, r, g, x, xo);
      default -> throw new UnsupportedOperationException(type.toString());
    };
  }

  private static float q4K(byte[] w, int r, int g, float[] x, int xo) {
    int b = r + 144 * (g / 8);
    int s = g % 8;
    int c = s / 2;
    int hi = s & 1;
    int q = b + 4;
    int sc;
    int m;
    if (s < 4) {
      sc = u8(w, q + s) & 63;
      m = u8(w, q + s + 4) & 63;
    } else {
      sc = (u8(w, q + s + 4) & 0x0F) | ((u8(w, q + s - 4) >> 6) << 4);
      m = (u8(w, q + s + 4) >> 4) | ((u8(w, q + s) >> 6) << 4);
    }
    float qx = 0f;
    float sx = 0f;
    for (int l = 0; l < 32; l++) {
      int by = u8(w, b + 16 + 32 * c + l);
      qx += (float) (hi != 0 ? (by >> 4) : (by & 0x0F)) * x[xo + l];
      sx += x[xo + l];
    }
    return f16At(w, b) * (float) sc * qx - f16At(w, b + 2) * (float) m * sx;
  }

  private static float q6K(byte[] w, int r, int g, float[] x, int xo) {
    int b = r + 210 * (g / 8);
    int h = (g % 8) / 4;
    int k = g % 4;
    float[] sums = new float[2];
    for (int l = 0; l < 32; l++) {
      int by = u8(w, b + 64 * h + 32 * (k & 1) + l);
      int low = k < 2 ? (by & 0x0F) : (by >> 4);
      int q = low | (((u8(w, b + 128 + 32 * h + l) >> (2 * k)) & 3) << 4);
      sums[l / 16] += (float) (q - 32) * x[xo + l];
    }
    int sc = b + 192 + 8 * h + 2 * k;
    return f16At(w, b + 208) * ((float) w[sc] * sums[0] + (float) w[sc + 1] * sums[1]);
  }
}
