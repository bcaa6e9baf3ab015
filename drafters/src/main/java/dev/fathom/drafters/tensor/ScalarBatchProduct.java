package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/** Reference batched product: dequantise a row, then a plain dot with every input vector. */
final class ScalarBatchProduct implements BatchProduct {
  private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

  @Override
  public int rowGrain() {
    return 16;
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
    float[] row = ROW.get();
    if (row.length < cols) {
      row = new float[cols];
      ROW.set(row);
    }
    for (int r = rowFrom; r < rowTo; r++) {
      kernel.dequantize(data, r * rowBytes, row, 0, cols);
      for (int j = 0; j < n; j++) {
        float sum = 0f;
        int xj = j * cols;
        for (int k = 0; k < cols; k++) {
          sum += row[k] * x[xj + k];
        }
        out[j * rows + r] = sum;
      }
    }
  }
}
