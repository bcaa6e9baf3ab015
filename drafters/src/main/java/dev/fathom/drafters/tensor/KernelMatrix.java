package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** A {@link Matrix} whose products run one {@link TypeKernel} per row on a {@link Parallel}. */
final class KernelMatrix implements Matrix {
  /** Below this many weights a matvec runs on the caller: waking workers would cost more. */
  private static final long SERIAL_ELEMENTS = 1 << 15;

  /**
   * Below this many multiply-adds (weights × positions) a batched product runs on the caller: a few
   * microseconds of vector work, less than handing it to workers that may be descheduled.
   */
  private static final long SERIAL_BATCH_PRODUCTS = 1 << 17;

  static final String ROW_PAIRS_PROPERTY = "fathom.engine.row-pairs";

  /**
   * Whether matvec hands rows to the kernel in pairs ({@link TypeKernel#dot2}); {@code
   * -Dfathom.engine.row-pairs=false} restores the one-row loop for A/B runs.
   */
  private static final boolean ROW_PAIRS = rowPairs();

  private final GgmlType type;
  private final MemorySegment data;
  private final int rows;
  private final int cols;
  private final long rowBytes;
  private final TypeKernel kernel;
  private final BatchProduct batch;
  private final Parallel parallel;
  private final Int8Dot int8;
  private final SubBlockSumDot sumDot;
  private final RepackedRows repacked;

  KernelMatrix(
      GgmlType type,
      MemorySegment data,
      int rows,
      int cols,
      long rowBytes,
      TypeKernel kernel,
      BatchProduct batch,
      Parallel parallel,
      Int8Dot int8,
      SubBlockSumDot sumDot) {
    this(type, data, rows, cols, rowBytes, kernel, batch, parallel, int8, sumDot, null);
  }

  /**
   * As the other constructor, with every product and row lookup reading {@code repacked} (a copy of
   * the rows in a layout made for the vector kernels, see {@link RepackedRows}) when it is not
   * null.
   */
  KernelMatrix(
      GgmlType type,
      MemorySegment data,
      int rows,
      int cols,
      long rowBytes,
      TypeKernel kernel,
      BatchProduct batch,
      Parallel parallel,
      Int8Dot int8,
      SubBlockSumDot sumDot,
      RepackedRows repacked) {
    this.type = type;
    this.data = data;
    this.rows = rows;
    this.cols = cols;
    this.rowBytes = rowBytes;
    this.kernel = kernel;
    this.batch = batch;
    this.parallel = Objects.requireNonNull(parallel, "parallel");
    this.int8 = int8;
    this.sumDot = sumDot;
    this.repacked = repacked;
  }

  static boolean rowPairs() {
    return EngineSwitch.read(ROW_PAIRS_PROPERTY, true);
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public GgmlType type() {
    return type;
  }

  @Override
  public MemorySegment data() {
    return data;
  }

  @Override
  public void row(int r, float[] dst, int dstOff) {
    Objects.checkIndex(r, rows);
    Objects.checkFromIndexSize(dstOff, cols, dst.length);
    if (repacked != null) {
      // The file's pages were released after repacking: read the copy.
      repacked.layout().dequantize(repacked.data(), r * repacked.rowBytes(), dst, dstOff, cols);
      return;
    }
    kernel.dequantize(data, r * rowBytes, dst, dstOff, cols);
  }

  @Override
  public void matvec(float[] x, int xOff, float[] out, int outOff) {
    Objects.checkFromIndexSize(xOff, cols, x.length);
    Objects.checkFromIndexSize(outOff, rows, out.length);
    if (repacked != null) {
      repackedMatvec(x, xOff, out, outOff);
      return;
    }
    if (int8 != null) {
      int8Matvec(x, xOff, out, outOff);
      return;
    }
    if (kernel instanceof InterleavedRows cells) {
      // Rows come in groups of four (one cell stream per group): split the groups, not the rows.
      if ((long) rows * cols <= SERIAL_ELEMENTS) {
        cells.groups(data, 0, rows / 4, x, xOff, out, outOff);
      } else {
        parallel.forRange(
            0, rows / 4, (from, to) -> cells.groups(data, from, to, x, xOff, out, outOff));
      }
      return;
    }
    if (sumDot != null) {
      sumsMatvec(x, xOff, out, outOff);
      return;
    }
    if ((long) rows * cols <= SERIAL_ELEMENTS) {
      rowsTimes(x, xOff, out, outOff, 0, rows);
    } else {
      parallel.forRange(0, rows, (from, to) -> rowsTimes(x, xOff, out, outOff, from, to));
    }
  }

  private void rowsTimes(float[] x, int xOff, float[] out, int outOff, int from, int to) {
    int r = from;
    if (ROW_PAIRS) {
      for (; r + 1 < to; r += 2) {
        kernel.dot2(data, r * rowBytes, rowBytes, x, xOff, cols, out, outOff + r);
      }
    }
    for (; r < to; r++) {
      out[outOff + r] = kernel.dot(data, r * rowBytes, x, xOff, cols);
    }
  }

  /**
   * Sums {@code x} per 32 elements once (see {@link SubBlockSumDot}) and dots every row with it.
   */
  private void sumsMatvec(float[] x, int xOff, float[] out, int outOff) {
    float[] sums = sumDot.sums(x, xOff, cols);
    if ((long) rows * cols <= SERIAL_ELEMENTS) {
      sumsRows(x, xOff, sums, out, outOff, 0, rows);
    } else {
      parallel.forRange(0, rows, (from, to) -> sumsRows(x, xOff, sums, out, outOff, from, to));
    }
  }

  private void sumsRows(
      float[] x, int xOff, float[] sums, float[] out, int outOff, int from, int to) {
    for (int r = from; r < to; r++) {
      out[outOff + r] = sumDot.dot(data, r * rowBytes, x, xOff, sums, cols);
    }
  }

  /** The product over the repacked rows: each layout prepares {@code x} once for every row. */
  private void repackedMatvec(float[] x, int xOff, float[] out, int outOff) {
    repacked
        .layout()
        .matvec(
            repacked.data(),
            repacked.rowBytes(),
            rows,
            cols,
            x,
            xOff,
            out,
            outOff,
            parallel,
            (long) rows * cols <= SERIAL_ELEMENTS);
  }

  /** Quantises {@code x} once (see {@link Int8Dot}) and takes every row's integer dot with it. */
  private void int8Matvec(float[] x, int xOff, float[] out, int outOff) {
    ActivationQ8 q = new ActivationQ8(cols);
    q.quantize(x, xOff);
    if ((long) rows * cols <= SERIAL_ELEMENTS) {
      int8Rows(q, out, outOff, 0, rows);
    } else {
      parallel.forRange(0, rows, (from, to) -> int8Rows(q, out, outOff, from, to));
    }
  }

  private void int8Rows(ActivationQ8 q, float[] out, int outOff, int from, int to) {
    for (int r = from; r < to; r++) {
      out[outOff + r] = int8.dot(data, r * rowBytes, q, cols);
    }
  }

  @Override
  public void matmul(float[] x, int n, float[] out) {
    if (n < 1) {
      throw new IllegalArgumentException("matmul of n = " + n + " vectors; n must be >= 1");
    }
    Objects.checkFromIndexSize(0, (long) n * cols, x.length);
    Objects.checkFromIndexSize(0, (long) n * rows, out.length);
    if (n == 1) {
      matvec(x, 0, out, 0);
      return;
    }
    if (repacked != null) {
      repackedMatmul(x, n, out);
      return;
    }
    batchRows(kernel, data, rowBytes, x, n, out);
  }

  /**
   * The batched product over the repacked rows: the inputs are permuted into the lane order once,
   * and the batched product dequantises rows in that order ({@link RepackedLayout#laneOrder}), so
   * the file's pages are not read again after load.
   */
  private void repackedMatmul(float[] x, int n, float[] out) {
    RepackedLayout k = repacked.layout();
    float[] permuted = new float[n * cols];
    for (int j = 0; j < n; j++) {
      k.permute(x, j * cols, permuted, j * cols, cols);
    }
    batchRows(k.laneOrder(), repacked.data(), repacked.rowBytes(), permuted, n, out);
  }

  /** The batched product of every row of {@code w}, on the caller when small, else on the pool. */
  private void batchRows(TypeKernel k, MemorySegment w, long bytes, float[] x, int n, float[] out) {
    if ((long) rows * cols * n <= SERIAL_BATCH_PRODUCTS) {
      // A speculative verification of a small model: waking the workers for every product of a
      // 2-position batch cost 4× a whole single-position step on a loaded 2-core machine.
      batch.multiply(k, w, bytes, rows, cols, 0, rows, x, n, out);
      return;
    }
    int grain = batch.rowGrain();
    int units = (rows + grain - 1) / grain;
    parallel.forRange(
        0,
        units,
        (from, to) ->
            batch.multiply(
                k, w, bytes, rows, cols, from * grain, Math.min(to * grain, rows), x, n, out));
  }

  @Override
  public String toString() {
    return type + "[" + rows + "x" + cols + "]";
  }
}
