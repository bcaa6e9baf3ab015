package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.util.stream.IntStream;

/**
 * Float to ggml block layouts, the inverse of the kernels' dequantisation; used by the GGUF writer,
 * {@code fathom model synth} and round-trip tests.
 *
 * <p>Each type follows ggml's reference quantiser ({@code quantize_row_*_ref} in {@code
 * ggml/src/ggml-quants.c}): the same scale choice, the same rounding, the same byte layout, so a
 * file written here holds what llama.cpp's {@code llama-quantize} would write without an importance
 * matrix. F16 and BF16 round to nearest, ties to even, as ggml's converters do.
 *
 * <p>Block layouts (little-endian; {@code f16} is an IEEE half):
 *
 * <ul>
 *   <li>Q8_0, 32 values in 34 bytes: {@code f16 d; int8 q[32]}; {@code x = d * q}.
 *   <li>Q4_0, 32 values in 18 bytes: {@code f16 d; u8 qs[16]}; value {@code j} is the low nibble of
 *       {@code qs[j]}, value {@code j + 16} the high one; {@code x = d * (nibble - 8)}.
 *   <li>Q4_K, Q5_K, Q6_K: see {@link KQuants}.
 * </ul>
 */
public final class Quantizer {
  /** Below this many values a call stays on the caller's thread. */
  private static final int PARALLEL_THRESHOLD = 1 << 16;

  private Quantizer() {}

  /**
   * Encodes {@code values} (length a multiple of the type's block size) in {@code type}'s ggml
   * block layout; returns {@code type.byteSize(values.length)} bytes.
   */
  public static byte[] quantize(GgmlType type, float[] values) {
    int rowLength = type.blockSize() == 1 ? Math.max(1, values.length) : type.blockSize();
    if (values.length == 0) {
      return new byte[0];
    }
    return quantizeRows(type, values, rowLength);
  }

  /**
   * Encodes {@code values} as rows of {@code rowLength} values, rows in parallel on the common
   * fork-join pool (the result does not depend on the split: blocks never straddle rows).
   */
  public static byte[] quantizeRows(GgmlType type, float[] values, int rowLength) {
    checkSupported(type);
    if (rowLength <= 0 || rowLength % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          type
              + " rows must be a positive multiple of "
              + type.blockSize()
              + " values, got "
              + rowLength);
    }
    if (values.length % rowLength != 0) {
      throw new IllegalArgumentException(
          values.length + " values are not a whole number of rows of " + rowLength);
    }
    long bytes = type.byteSize(values.length);
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          values.length + " values of " + type + " need " + bytes + " bytes, over 2 GiB");
    }
    byte[] out = new byte[(int) bytes];
    int rows = values.length / rowLength;
    int rowBytes = (int) type.byteSize(rowLength);
    IntStream range = IntStream.range(0, rows);
    if ((long) values.length >= PARALLEL_THRESHOLD && rows > 1) {
      range = range.parallel();
    }
    range.forEach(r -> quantize(type, values, r * rowLength, rowLength, out, r * rowBytes));
    return out;
  }

  /**
   * Encodes {@code n} values from {@code src[srcOff]} into {@code dst} at {@code dstOff}, on this
   * thread.
   */
  public static void quantize(
      GgmlType type, float[] src, int srcOff, int n, byte[] dst, int dstOff) {
    checkSupported(type);
    if (n % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          type + " stores blocks of " + type.blockSize() + " values; " + n + " is not a multiple");
    }
    switch (type) {
      case F32 -> {
        for (int i = 0; i < n; i++) {
          putInt(dst, dstOff + 4 * i, Float.floatToRawIntBits(src[srcOff + i]));
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          putShort(dst, dstOff + 2 * i, Float.floatToFloat16(src[srcOff + i]));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          putShort(dst, dstOff + 2 * i, toBf16(src[srcOff + i]));
        }
      }
      case Q8_0 -> {
        for (int b = 0; b < n / 32; b++) {
          q8_0(src, srcOff + 32 * b, dst, dstOff + 34 * b);
        }
      }
      case Q4_0 -> {
        for (int b = 0; b < n / 32; b++) {
          q4_0(src, srcOff + 32 * b, dst, dstOff + 18 * b);
        }
      }
      case Q4_K, Q5_K, Q6_K -> {
        KQuants k = new KQuants();
        int bytes = type.bytesPerBlock();
        for (int b = 0; b < n / 256; b++) {
          int xo = srcOff + 256 * b;
          int yo = dstOff + bytes * b;
          switch (type) {
            case Q4_K -> k.q4K(src, xo, dst, yo);
            case Q5_K -> k.q5K(src, xo, dst, yo);
            default -> k.q6K(src, xo, dst, yo);
          }
        }
      }
      default -> throw new AssertionError(type);
    }
  }

  private static void checkSupported(GgmlType type) {
    switch (type) {
      case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K -> {}
      default ->
          throw new UnsupportedOperationException(
              "quantising to "
                  + type
                  + " is not supported (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K and Q6_K are)");
    }
  }

  /** quantize_row_q8_0_ref: d = max|x| / 127, q = round(x / d) half away from zero (roundf). */
  private static void q8_0(float[] x, int xo, byte[] y, int yo) {
    float amax = 0;
    for (int j = 0; j < 32; j++) {
      amax = Math.max(amax, Math.abs(x[xo + j]));
    }
    float d = amax / 127;
    float id = d != 0 ? 1.0f / d : 0.0f;
    putShort(y, yo, Float.floatToFloat16(d));
    for (int j = 0; j < 32; j++) {
      y[yo + 2 + j] = (byte) roundf(x[xo + j] * id);
    }
  }

  /**
   * quantize_row_q4_0_ref: d = m / -8 where m is the value of largest magnitude (with its sign), so
   * that value maps exactly to nibble 0; the others to trunc(x/d + 8.5), capped at 15.
   */
  private static void q4_0(float[] x, int xo, byte[] y, int yo) {
    float amax = 0;
    float max = 0;
    for (int j = 0; j < 32; j++) {
      float v = x[xo + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    float d = max / -8;
    float id = d != 0 ? 1.0f / d : 0.0f;
    putShort(y, yo, Float.floatToFloat16(d));
    for (int j = 0; j < 16; j++) {
      // C's (int8_t) conversion truncates toward zero; x*id + 8.5 is >= 0 here, so (int) matches.
      int xi0 = Math.min(15, (int) (x[xo + j] * id + 8.5f));
      int xi1 = Math.min(15, (int) (x[xo + 16 + j] * id + 8.5f));
      y[yo + 2 + j] = (byte) (xi0 | (xi1 << 4));
    }
  }

  /** C's roundf: nearest integer, halves away from zero (Math.round would send -2.5 to -2). */
  static int roundf(float v) {
    // |v| + 0.5 is exact in double for any float, so floor gives the correctly rounded result.
    double r = Math.floor(Math.abs((double) v) + 0.5);
    return (int) Math.copySign(r, v);
  }

  /** ggml_compute_fp32_to_bf16: the top 16 bits, rounded to nearest even; NaNs stay quiet NaNs. */
  static short toBf16(float f) {
    int u = Float.floatToRawIntBits(f);
    if ((u & 0x7fffffff) > 0x7f800000) {
      return (short) ((u >>> 16) | 64);
    }
    return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
  }

  static void putShort(byte[] b, int off, short v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >> 8);
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >> 8);
    b[off + 2] = (byte) (v >> 16);
    b[off + 3] = (byte) (v >> 24);
  }
}
