package dev.fathom.drafters.tensor;

/** Reference {@link FloatOps}: plain loops in index order. */
final class ScalarFloatOps implements FloatOps {
  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public float sumOfSquares(float[] x, int off, int n) {
    return dot(x, off, x, off, n);
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    for (int i = 0; i < n; i++) {
      x[off + i] *= s;
    }
  }

  @Override
  public void mul(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = x[xOff + i] * s * w[wOff + i];
    }
  }

  @Override
  public void add(float[] y, int yOff, float[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += x[xOff + i];
    }
  }

  @Override
  public void siluMul(float[] gate, float[] up, int off, int n) {
    for (int i = 0; i < n; i++) {
      float g = gate[off + i];
      gate[off + i] = g / (1f + (float) Math.exp(-g)) * up[off + i];
    }
  }

  @Override
  public float max(float[] x, int off, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, x[off + i]);
    }
    return m;
  }

  @Override
  public float expShiftSum(float[] x, int off, int n, float shift) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(x[off + i] - shift);
      x[off + i] = e;
      sum += e;
    }
    return sum;
  }
}
