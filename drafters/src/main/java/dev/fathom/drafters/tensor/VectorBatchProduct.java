package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Batched product as a register-blocked float GEMM over dequantised panels, the classic layout of
 * Goto and van de Geijn ("Anatomy of High-Performance Matrix Multiplication", TOMS 2008): a panel
 * of {@code P = 2L} weight rows is dequantised once and packed column-major ({@code panel[k * P +
 * r]}), so one step of the micro-kernel loads two weight vectors (rows {@code 0..P} at column
 * {@code k}) and broadcasts {@code x[j][k]} of six input vectors into 12 accumulators: 12 FMAs per
 * 8 loads, and no horizontal sums. The accumulators are the outputs themselves, stored once.
 */
final class VectorBatchProduct implements BatchProduct {
  static final int P = 2 * L;
  private static final int NV = 6;

  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  @Override
  public int rowGrain() {
    return P;
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
    float[][] buffers = BUFFERS.get();
    if (buffers[0].length < cols) {
      buffers[0] = new float[cols];
      buffers[1] = new float[cols * P];
    }
    float[] row = buffers[0];
    float[] panel = buffers[1];
    for (int row0 = rowFrom; row0 < rowTo; row0 += P) {
      int valid = Math.min(P, rowTo - row0);
      pack(kernel, data, rowBytes, cols, row0, valid, row, panel);
      VectorMask<Float> m0 = F.indexInRange(0, valid);
      VectorMask<Float> m1 = F.indexInRange(L, valid);
      int j = 0;
      for (; j + NV <= n; j += NV) {
        six(panel, cols, x, j, out, rows, row0, m0, m1);
      }
      for (; j < n; j++) {
        one(panel, cols, x, j, out, rows, row0, m0, m1);
      }
    }
  }

  /** Dequantises rows {@code row0 .. row0 + valid} into the panel; missing rows are zeros. */
  private static void pack(
      TypeKernel kernel,
      MemorySegment data,
      long rowBytes,
      int cols,
      int row0,
      int valid,
      float[] row,
      float[] panel) {
    for (int r = 0; r < P; r++) {
      if (r < valid) {
        kernel.dequantize(data, (row0 + r) * rowBytes, row, 0, cols);
        for (int k = 0; k < cols; k++) {
          panel[k * P + r] = row[k];
        }
      } else {
        for (int k = 0; k < cols; k++) {
          panel[k * P + r] = 0f;
        }
      }
    }
  }

  private static void six(
      float[] panel,
      int cols,
      float[] x,
      int j,
      float[] out,
      int rows,
      int row0,
      VectorMask<Float> m0,
      VectorMask<Float> m1) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    FloatVector b4 = a0;
    FloatVector b5 = a0;
    int x0 = j * cols;
    int x1 = x0 + cols;
    int x2 = x1 + cols;
    int x3 = x2 + cols;
    int x4 = x3 + cols;
    int x5 = x4 + cols;
    for (int k = 0; k < cols; k++) {
      FloatVector w0 = FloatVector.fromArray(F, panel, k * P);
      FloatVector w1 = FloatVector.fromArray(F, panel, k * P + L);
      FloatVector v = FloatVector.broadcast(F, x[x0 + k]);
      a0 = w0.fma(v, a0);
      b0 = w1.fma(v, b0);
      v = FloatVector.broadcast(F, x[x1 + k]);
      a1 = w0.fma(v, a1);
      b1 = w1.fma(v, b1);
      v = FloatVector.broadcast(F, x[x2 + k]);
      a2 = w0.fma(v, a2);
      b2 = w1.fma(v, b2);
      v = FloatVector.broadcast(F, x[x3 + k]);
      a3 = w0.fma(v, a3);
      b3 = w1.fma(v, b3);
      v = FloatVector.broadcast(F, x[x4 + k]);
      a4 = w0.fma(v, a4);
      b4 = w1.fma(v, b4);
      v = FloatVector.broadcast(F, x[x5 + k]);
      a5 = w0.fma(v, a5);
      b5 = w1.fma(v, b5);
    }
    store(a0, b0, out, j * rows + row0, m0, m1);
    store(a1, b1, out, (j + 1) * rows + row0, m0, m1);
    store(a2, b2, out, (j + 2) * rows + row0, m0, m1);
    store(a3, b3, out, (j + 3) * rows + row0, m0, m1);
    store(a4, b4, out, (j + 4) * rows + row0, m0, m1);
    store(a5, b5, out, (j + 5) * rows + row0, m0, m1);
  }

  private static void one(
      float[] panel,
      int cols,
      float[] x,
      int j,
      float[] out,
      int rows,
      int row0,
      VectorMask<Float> m0,
      VectorMask<Float> m1) {
    FloatVector a = FloatVector.zero(F);
    FloatVector b = a;
    int xj = j * cols;
    for (int k = 0; k < cols; k++) {
      FloatVector v = FloatVector.broadcast(F, x[xj + k]);
      a = FloatVector.fromArray(F, panel, k * P).fma(v, a);
      b = FloatVector.fromArray(F, panel, k * P + L).fma(v, b);
    }
    store(a, b, out, j * rows + row0, m0, m1);
  }

  private static void store(
      FloatVector a,
      FloatVector b,
      float[] out,
      int off,
      VectorMask<Float> m0,
      VectorMask<Float> m1) {
    a.intoArray(out, off, m0);
    b.intoArray(out, off + L, m1);
  }
}
