package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The batched product behind {@link Matrix#matmul}: rows {@code [rowFrom, rowTo)} of a weight
 * matrix times {@code n} input vectors. Implementations dequantise each weight row once and reuse
 * it for all {@code n} vectors, so quantised weights are read once per call rather than {@code n}
 * times.
 */
interface BatchProduct {
  /** Rows are handed out in multiples of this (except at the end of the matrix). */
  int rowGrain();

  /**
   * {@code out[j * rows + r] = row(r) · x[j * cols ..]} for {@code r} in {@code [rowFrom, rowTo)}
   * and {@code j} in {@code [0, n)}; row {@code r} starts at byte {@code r * rowBytes}.
   */
  void multiply(
      TypeKernel kernel,
      MemorySegment data,
      long rowBytes,
      int rows,
      int cols,
      int rowFrom,
      int rowTo,
      float[] x,
      int n,
      float[] out);

  /**
   * The scalar reference, or on the Vector API {@link PackedBatchProduct} where it {@linkplain
   * PackedBatchProduct#suits() suits} the vector shape and {@code -Dfathom.engine.packed-batch} is
   * not {@code false}, else {@link VectorBatchProduct}.
   */
  static BatchProduct of(KernelBackend backend) {
    if (backend != KernelBackend.VECTOR) {
      return new ScalarBatchProduct();
    }
    return PackedBatchProduct.suits() && PackedBatchProduct.enabled()
        ? new PackedBatchProduct()
        : new VectorBatchProduct();
  }
}
