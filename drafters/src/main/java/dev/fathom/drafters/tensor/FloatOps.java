package dev.fathom.drafters.tensor;

/** The float-array operations of {@link VectorMath}, one implementation per backend. */
interface FloatOps {
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  float sumOfSquares(float[] x, int off, int n);

  void scale(float[] x, int off, int n, float s);

  void mul(float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n);

  void add(float[] y, int yOff, float[] x, int xOff, int n);

  void siluMul(float[] gate, float[] up, int off, int n);

  float max(float[] x, int off, int n);

  /** {@code x[i] = exp(x[i] - shift)} in place; returns the sum of the new values. */
  float expShiftSum(float[] x, int off, int n, float shift);

  static FloatOps of(KernelBackend backend) {
    return backend == KernelBackend.VECTOR ? new VectorFloatOps() : new ScalarFloatOps();
  }
}
