package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A layout that a matrix's rows are rewritten into at load for the vector kernels ({@link
 * RepackedRows}): the k-quants' lane-major layouts ({@link VectorRepackedKernels}) and Q4_K for
 * 16-bit integer products ({@link WordQ4K}). Every row of {@code n} weights takes {@link #rowBytes}
 * bytes, starting at a multiple of it.
 */
interface RepackedLayout {
  /** Bytes per row of {@code n} weights. */
  long rowBytes(int n);

  /** Bytes a product may read past the last row (allocated and left zero). */
  default long tailBytes() {
    return 0;
  }

  /** Rewrites the ggml row of {@code n} weights at {@code src[so..]} to {@code dst[dp..]}. */
  void repackRow(MemorySegment src, long so, MemorySegment dst, long dp, int n);

  /** The row at {@code o} in natural order, to {@code dst[dstOff ..]}. */
  void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n);

  /** {@code x[xOff .. xOff + n)} in the order of {@link #laneOrder}'s rows, to {@code dst}. */
  void permute(float[] x, int xOff, float[] dst, int dstOff, int n);

  /**
   * The rows as a {@link TypeKernel} whose elements are in the permuted order: a batched product
   * over it, with its inputs {@link #permute permuted} once, is the product over the file's layout
   * with the terms of each dot summed in another order.
   */
  TypeKernel laneOrder();

  /**
   * {@code out[outOff + r] = row r · x[xOff ..]} for every row; on the caller when {@code serial},
   * else with the rows shared out over {@code parallel}.
   */
  void matvec(
      MemorySegment w,
      long rowBytes,
      int rows,
      int n,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      Parallel parallel,
      boolean serial);
}
