package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;

/**
 * A scalar dequantiser written straight from ggml's {@code dequantize_row_*} (ggml-quants.c) and
 * the block structs of ggml-common.h: the test-side check of {@link Quantizer}, independent of the
 * production kernels.
 */
public final class Dequantizer {
  private Dequantizer() {}

  public static float[] dequantize(GgmlType type, byte[] data) {
    long n = data.length / type.bytesPerBlock() * (long) type.blockSize();
    if (type.byteSize(n) != data.length) {
      throw new IllegalArgumentException(data.length + " bytes are not whole " + type + " blocks");
    }
    float[] y = new float[Math.toIntExact(n)];
    int blocks = data.length / type.bytesPerBlock();
    for (int b = 0; b < blocks; b++) {
      int o = b * type.bytesPerBlock();
      int yo = b * type.blockSize();
      switch (type) {
        case F32 -> y[b] = Float.intBitsToFloat(i32(data, o));
        case F16 -> y[b] = Float.float16ToFloat(i16(data, o));
        case BF16 -> y[b] = Float.intBitsToFloat(i16(data, o) << 16);
        case Q8_0 -> {
          float d = half(data, o);
          for (int j = 0; j < 32; j++) {
            y[yo + j] = data[o + 2 + j] * d;
          }
        }
        case Q4_0 -> {
          float d = half(data, o);
          for (int j = 0; j < 16; j++) {
            int q = data[o + 2 + j] & 0xFF;
            y[yo + j] = ((q & 0xF) - 8) * d;
            y[yo + j + 16] = ((q >> 4) - 8) * d;
          }
        }
        case Q4_K, Q5_K -> kQuant45(type, data, o, y, yo);
        case Q6_K -> q6K(data, o, y, yo);
        default -> throw new UnsupportedOperationException("dequantize " + type);
      }
    }
    return y;
  }

  /** dequantize_row_q4_K / q5_K: x = d·sc·q − dmin·m per sub-block of 32. */
  private static void kQuant45(GgmlType type, byte[] x, int o, float[] y, int yo) {
    float d = half(x, o);
    float min = half(x, o + 2);
    int scales = o + 4;
    boolean five = type == GgmlType.Q5_K;
    int qh = o + 16;
    int ql = five ? o + 48 : o + 16;
    int is = 0;
    int u1 = 1;
    int u2 = 2;
    for (int j = 0; j < 256; j += 64) {
      int[] sm0 = scaleMin(x, scales, is);
      int[] sm1 = scaleMin(x, scales, is + 1);
      float d1 = d * sm0[0];
      float m1 = min * sm0[1];
      float d2 = d * sm1[0];
      float m2 = min * sm1[1];
      for (int l = 0; l < 32; l++) {
        int q = x[ql + l] & 0xFF;
        int h = five ? x[qh + l] & 0xFF : 0;
        y[yo++] = d1 * ((q & 0xF) + ((h & u1) != 0 ? 16 : 0)) - m1;
      }
      for (int l = 0; l < 32; l++) {
        int q = x[ql + l] & 0xFF;
        int h = five ? x[qh + l] & 0xFF : 0;
        y[yo++] = d2 * ((q >> 4) + ((h & u2) != 0 ? 16 : 0)) - m2;
      }
      ql += 32;
      is += 2;
      u1 <<= 2;
      u2 <<= 2;
    }
  }

  /** get_scale_min_k4, written independently of KQuants.scaleMin. */
  private static int[] scaleMin(byte[] x, int q, int j) {
    int b = x[q + j] & 0xFF;
    if (j < 4) {
      return new int[] {b & 63, (x[q + j + 4] & 0xFF) & 63};
    }
    int hi = x[q + j + 4] & 0xFF;
    int lo = x[q + j - 4] & 0xFF;
    return new int[] {(hi & 0xF) | ((lo >> 6) << 4), (hi >> 4) | ((b >> 6) << 4)};
  }

  /** dequantize_row_q6_K. */
  private static void q6K(byte[] x, int o, float[] y, int yo) {
    float d = half(x, o + 208);
    int ql = o;
    int qh = o + 128;
    int sc = o + 192;
    for (int n = 0; n < 256; n += 128) {
      for (int l = 0; l < 32; l++) {
        int is = l / 16;
        int h = x[qh + l] & 0xFF;
        int a = x[ql + l] & 0xFF;
        int b = x[ql + l + 32] & 0xFF;
        int q1 = ((a & 0xF) | ((h & 3) << 4)) - 32;
        int q2 = ((b & 0xF) | (((h >> 2) & 3) << 4)) - 32;
        int q3 = ((a >> 4) | (((h >> 4) & 3) << 4)) - 32;
        int q4 = ((b >> 4) | (((h >> 6) & 3) << 4)) - 32;
        y[yo + l] = d * x[sc + is] * q1;
        y[yo + l + 32] = d * x[sc + is + 2] * q2;
        y[yo + l + 64] = d * x[sc + is + 4] * q3;
        y[yo + l + 96] = d * x[sc + is + 6] * q4;
      }
      yo += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }

  static float half(byte[] b, int o) {
    return Float.float16ToFloat(i16(b, o));
  }

  private static short i16(byte[] b, int o) {
    return (short) ((b[o] & 0xFF) | (b[o + 1] << 8));
  }

  private static int i32(byte[] b, int o) {
    return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | b[o + 3] << 24;
  }
}
