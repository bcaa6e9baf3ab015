package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A repacked layout's rows as a {@link TypeKernel} whose elements are in the layout's permuted
 * order ({@link RepackedLayout#laneOrder}): what batched products read, one row at a time through
 * {@link #dequantize}. {@link #dot} is the plain sum over a dequantised row; products of single
 * vectors take the layout's own kernels instead.
 */
interface LaneOrderKernel extends TypeKernel {
  @Override
  default float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
    float[] values = new float[n];
    dequantize(w, o, values, 0, n);
    float sum = 0;
    for (int i = 0; i < n; i++) {
      sum += values[i] * x[xOff + i];
    }
    return sum;
  }
}
