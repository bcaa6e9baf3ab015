package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Batched product as register-blocked dot products over dequantised rows: a panel of {@code R = 4}
 * weight rows is dequantised once into a per-thread buffer (row-major, so no transpose), then every
 * tile of {@code T = 3} input vectors is multiplied with it in one pass over the columns, with the
 * 12 row × input products held in 12 vector accumulators: each step loads 4 weight and 3 input
 * vectors for 12 FMAs, and the horizontal sums happen once per tile, not per column. The panel (4 ×
 * cols floats, 32–90 KB for 2K–6K columns) stays in L2 while the inputs stream past it.
 */
final class VectorBatchProduct implements BatchProduct {
  static final int R = 4;
  private static final int T = 3;

  private static final ThreadLocal<float[][]> PANEL =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  @Override
  public int rowGrain() {
    return R;
  }

  @Override
  public void multiply(
      TypeKernel kernel,
      MemorySegment data,
      long rowBytes,
      int rows,
      int cols,
      int rowFrom,
      int rowTo,
      float[] x,
      int n,
      float[] out) {
    float[][] holder = PANEL.get();
    if (holder[0].length < R * cols) {
      holder[0] = new float[R * cols];
    }
    float[] panel = holder[0];
    for (int row0 = rowFrom; row0 < rowTo; row0 += R) {
      int valid = Math.min(R, rowTo - row0);
      for (int r = 0; r < valid; r++) {
        kernel.dequantize(data, (row0 + r) * rowBytes, panel, r * cols, cols);
      }
      int j = 0;
      if (valid == R) {
        for (; j + T <= n; j += T) {
          fourByThree(panel, cols, x, j, out, rows, row0);
        }
      }
      for (; j < n; j++) {
        for (int r = 0; r < valid; r++) {
          out[j * rows + row0 + r] = dot(panel, r * cols, x, j * cols, cols);
        }
      }
    }
  }

  /** Rows {@code row0 .. row0+4} times inputs {@code j .. j+3}. */
  private static void fourByThree(
      float[] panel, int cols, float[] x, int j, float[] out, int rows, int row0) {
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    int p1 = cols;
    int p2 = 2 * cols;
    int p3 = 3 * cols;
    int x0 = j * cols;
    int x1 = x0 + cols;
    int x2 = x1 + cols;
    int bound = F.loopBound(cols);
    for (int k = 0; k < bound; k += L) {
      FloatVector w0 = FloatVector.fromArray(F, panel, k);
      FloatVector w1 = FloatVector.fromArray(F, panel, p1 + k);
      FloatVector w2 = FloatVector.fromArray(F, panel, p2 + k);
      FloatVector w3 = FloatVector.fromArray(F, panel, p3 + k);
      FloatVector v = FloatVector.fromArray(F, x, x0 + k);
      a00 = w0.fma(v, a00);
      a10 = w1.fma(v, a10);
      a20 = w2.fma(v, a20);
      a30 = w3.fma(v, a30);
      v = FloatVector.fromArray(F, x, x1 + k);
      a01 = w0.fma(v, a01);
      a11 = w1.fma(v, a11);
      a21 = w2.fma(v, a21);
      a31 = w3.fma(v, a31);
      v = FloatVector.fromArray(F, x, x2 + k);
      a02 = w0.fma(v, a02);
      a12 = w1.fma(v, a12);
      a22 = w2.fma(v, a22);
      a32 = w3.fma(v, a32);
    }
    int o0 = j * rows + row0;
    int o1 = o0 + rows;
    int o2 = o1 + rows;
    out[o0] = sum(a00, panel, bound, x, x0 + bound, cols - bound);
    out[o0 + 1] = sum(a10, panel, p1 + bound, x, x0 + bound, cols - bound);
    out[o0 + 2] = sum(a20, panel, p2 + bound, x, x0 + bound, cols - bound);
    out[o0 + 3] = sum(a30, panel, p3 + bound, x, x0 + bound, cols - bound);
    out[o1] = sum(a01, panel, bound, x, x1 + bound, cols - bound);
    out[o1 + 1] = sum(a11, panel, p1 + bound, x, x1 + bound, cols - bound);
    out[o1 + 2] = sum(a21, panel, p2 + bound, x, x1 + bound, cols - bound);
    out[o1 + 3] = sum(a31, panel, p3 + bound, x, x1 + bound, cols - bound);
    out[o2] = sum(a02, panel, bound, x, x2 + bound, cols - bound);
    out[o2 + 1] = sum(a12, panel, p1 + bound, x, x2 + bound, cols - bound);
    out[o2 + 2] = sum(a22, panel, p2 + bound, x, x2 + bound, cols - bound);
    out[o2 + 3] = sum(a32, panel, p3 + bound, x, x2 + bound, cols - bound);
  }

  /** The lanes of {@code acc} plus the scalar tail {@code Σ w[wi..] · x[xi..]} of length tail. */
  private static float sum(FloatVector acc, float[] w, int wi, float[] x, int xi, int tail) {
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (int k = 0; k < tail; k++) {
      s += w[wi + k] * x[xi + k];
    }
    return s;
  }

  private static float dot(float[] w, int wi, float[] x, int xi, int cols) {
    FloatVector acc = FloatVector.zero(F);
    int bound = F.loopBound(cols);
    for (int k = 0; k < bound; k += L) {
      acc = FloatVector.fromArray(F, w, wi + k).fma(FloatVector.fromArray(F, x, xi + k), acc);
    }
    return sum(acc, w, wi + bound, x, xi + bound, cols - bound);
  }
}
