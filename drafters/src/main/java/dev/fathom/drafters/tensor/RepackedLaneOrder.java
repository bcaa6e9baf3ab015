package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The rows of a repacked k-quant layout as a {@link TypeKernel} in lane order ({@link
 * VectorRepackedKernels#laneOrder}): {@code dequantize} writes each super-block in its repacked
 * order with vector stores ({@link VectorRepackedKernels#laneBlock}); {@code dot} takes an input
 * already permuted into that order. A batched product over it, with its inputs permuted once, is
 * the product over the file's layout with the terms of each dot summed in another order.
 */
record RepackedLaneOrder(VectorRepackedKernels k) implements LaneOrderKernel {
  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    for (int b = 0; b < n / 256; b++) {
      k.laneBlock(w, o + (long) k.bytesPerBlock() * b, dst, dstOff + 256 * b);
    }
  }
}
