package dev.fathom.drafters.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * A layout that a matrix's rows are rewritten into at load for the vector kernels ({@link
 * RepackedRows}): the k-quants' lane-major float layouts ({@link VectorRepackedKernels}) and those
 * for 16-bit integer products ({@link WordQ4K}, {@link WordQ6K}). Every row of {@code n} weights
 * takes {@link #rowBytes} bytes and is addressed by the offset {@code r · rowBytes}; where it lies
 * is the layout's, which may map that offset and pad the copy ({@link #bytes}).
 */
interface RepackedLayout {
  /**
   * The class of the engine's off-heap copies ({@code Arena.allocate}): the two-stream kernels test
   * a segment against it once, after which C2 knows its class exactly.
   */
  Class<?> NATIVE = Arena.ofAuto().allocate(1).getClass();

  /** Bytes per row of {@code n} weights. */
  long rowBytes(int n);

  /** Bytes a product may read past the last row (allocated and left zero). */
  default long tailBytes() {
    return 0;
  }

  /** Bytes a copy of {@code rows} rows of {@code n} weights takes, padding included. */
  default long bytes(int rows, int n) {
    return rowBytes(n) * rows + tailBytes();
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

  /**
   * {@code x[xOff .. xOff + n)} permuted by {@code element} (for each position of a 256-value
   * super-block, the element it holds) to {@code dst[dstOff ..]}: one gather per vector (the scalar
   * loop, with a range check per element read, cost about a fifth of a batched product).
   */
  static void permute(int[] element, float[] x, int xOff, float[] dst, int dstOff, int n) {
    for (int base = 0; base < n; base += 256) {
      for (int p = 0; p < 256; p += VectorShapes.L) {
        FloatVector.fromArray(VectorShapes.F, x, xOff + base, element, p)
            .intoArray(dst, dstOff + base + p);
      }
    }
  }

  /**
   * {@code body} over rows {@code [0, rows)}: on the caller when {@code serial}, else shared out.
   */
  static void eachRows(int rows, Parallel parallel, boolean serial, Parallel.RangeBody body) {
    if (serial) {
      body.run(0, rows);
    } else {
      parallel.forRange(0, rows, body);
    }
  }
}
