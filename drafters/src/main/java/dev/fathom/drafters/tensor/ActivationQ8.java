package dev.fathom.drafters.tensor;

/**
 * An activation vector quantised to ggml's {@code block_q8_0} form: per 32 elements one float scale
 * {@code d = max|x| / 127} and the rounded values {@code q = round(x / d)} in [-127, 127] ({@code
 * quantize_row_q8_0_ref} in ggml's {@code ggml-quants.c}). The values are kept widened to shorts so
 * the vector kernels load them without a conversion per block.
 */
public final class ActivationQ8 {
  final short[] q;
  final float[] d;

  /** Room for {@code n} elements; {@code n} must be a positive multiple of 32. */
  public ActivationQ8(int n) {
    if (n < 32 || n % 32 != 0) {
      throw new IllegalArgumentException(
          "activation of n = " + n + " elements; n must be a positive multiple of 32");
    }
    q = new short[n];
    d = new float[n / 32];
  }

  /** The number of elements this holds. */
  public int length() {
    return q.length;
  }

  /** Quantises {@code x[xOff .. xOff + length())} into this. */
  public void quantize(float[] x, int xOff) {
    for (int b = 0; b < d.length; b++) {
      int base = xOff + 32 * b;
      float max = 0;
      for (int i = 0; i < 32; i++) {
        max = Math.max(max, Math.abs(x[base + i]));
      }
      float scale = max / 127;
      float inverse = scale == 0 ? 0 : 1 / scale;
      d[b] = scale;
      for (int i = 0; i < 32; i++) {
        q[32 * b + i] = (short) Math.round(x[base + i] * inverse);
      }
    }
  }

  /** Element {@code i} as it is after quantisation: {@code q[i] · d[i / 32]}. */
  public float value(int i) {
    return q[i] * d[i / 32];
  }
}
