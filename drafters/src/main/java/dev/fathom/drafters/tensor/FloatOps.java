package dev.fathom.drafters.tensor;

/**
 * The float-array operations of the CPU backend's norms, residuals, activations and attention, one
 * implementation per {@link KernelBackend}. Offsets index into the arrays; {@code n} elements from
 * each offset are used.
 */
public interface FloatOps {
  /** {@code Σ a[aOff + i] · b[bOff + i]}. */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code y += alpha · x}. */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  float sumOfSquares(float[] x, int off, int n);

  void scale(float[] x, int off, int n, float s);

  /** {@code out = x · s ⊙ w}. */
  void mul(float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n);

  /** {@code y += x}. */
  void add(float[] y, int yOff, float[] x, int xOff, int n);

  /** {@code gate = silu(gate) ⊙ up}, {@code silu(g) = g·σ(g)}. */
  void siluMul(float[] gate, float[] up, int off, int n);

  float max(float[] x, int off, int n);

  /** {@code x[i] = exp(x[i] - shift)} in place; returns the sum of the new values. */
  float expShiftSum(float[] x, int off, int n, float shift);

  /** The operations of {@code backend}; the vector ones load the incubator module. */
  static FloatOps of(KernelBackend backend) {
    return backend == KernelBackend.VECTOR ? new VectorFloatOps() : new ScalarFloatOps();
  }
}
