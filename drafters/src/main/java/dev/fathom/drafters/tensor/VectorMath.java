package dev.fathom.drafters.tensor;

/**
 * Float-array operations of the forward pass (norms, residuals, activations, attention), on the
 * backend chosen at start-up ({@link KernelBackend}). Offsets index into the arrays; {@code n}
 * elements from each offset are used.
 */
public final class VectorMath {
  private static final FloatOps OPS = FloatOps.of(KernelBackend.current());

  private VectorMath() {}

  /** {@code Σ a[aOff + i] · b[bOff + i]}. */
  public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    return OPS.dot(a, aOff, b, bOff, n);
  }

  /** {@code y += alpha · x}. */
  public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    OPS.axpy(alpha, x, xOff, y, yOff, n);
  }

  public static float sumOfSquares(float[] x, int off, int n) {
    return OPS.sumOfSquares(x, off, n);
  }

  /** {@code x *= s}. */
  public static void scale(float[] x, int off, int n, float s) {
    OPS.scale(x, off, n, s);
  }

  /**
   * RMSNorm (Zhang and Sennrich 2019, eq. 4): {@code out = x / sqrt(mean(x²) + eps) · weight}, with
   * {@code weight} indexed from 0. {@code out} may be {@code x} itself.
   */
  public static void rmsNorm(
      float[] x, int xOff, float[] weight, float[] out, int outOff, int n, float eps) {
    float inverseRms = (float) (1.0 / Math.sqrt(OPS.sumOfSquares(x, xOff, n) / n + eps));
    OPS.mul(x, xOff, weight, 0, inverseRms, out, outOff, n);
  }

  /** {@code y += x}. */
  public static void add(float[] y, int yOff, float[] x, int xOff, int n) {
    OPS.add(y, yOff, x, xOff, n);
  }

  /** SwiGLU's gating (Shazeer 2020): {@code gate = silu(gate) · up}, {@code silu(g) = g·σ(g)}. */
  public static void siluMul(float[] gate, float[] up, int off, int n) {
    OPS.siluMul(gate, up, off, n);
  }

  /** Softmax in place, stable: the maximum is subtracted before {@code exp}. */
  public static void softmax(float[] x, int off, int n) {
    if (n == 0) {
      return;
    }
    float sum = OPS.expShiftSum(x, off, n, OPS.max(x, off, n));
    OPS.scale(x, off, n, 1f / sum);
  }
}
