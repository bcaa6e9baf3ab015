package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * How the 16-bit layouts ({@link WordQ4K}, {@link WordQ6K}) share a product's rows: the input
 * prepared once ({@link WordInput}), each thread's range walked as rows {@code r} and {@code r + h}
 * ({@code h} half the range) by the layout's pair loop, an odd last row paired with itself, and a
 * segment that is not an {@code Arena} copy taken by {@link WordInput#referenceDot}.
 */
final class WordRows {
  /**
   * A layout's loop over rows {@code from .. from + count - 1}, each with the row {@code h} after
   * it ({@code h = 0}: the row with itself), into {@code out[outOff + r]}; {@code w} is an {@code
   * Arena} segment.
   */
  @FunctionalInterface
  interface PairLoop {
    void run(
        MemorySegment w,
        long rowBytes,
        int from,
        int h,
        int count,
        int n,
        WordInput in,
        float[] out,
        int outOff);
  }

  private WordRows() {}

  /** Every row's product with {@code x}: on the caller when {@code serial}, else shared out. */
  static void matvec(
      RepackedLayout layout,
      PairLoop pairs,
      MemorySegment w,
      long rowBytes,
      int rows,
      int n,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      Parallel parallel,
      boolean serial) {
    WordInput in = WordInput.prepared(layout, x, xOff, n);
    RepackedLayout.eachRows(
        rows,
        parallel,
        serial,
        (from, to) -> rows(layout, pairs, w, rowBytes, from, to, n, in, out, outOff));
  }

  /** Rows {@code [from, to)} times the prepared input {@code in}. */
  static void rows(
      RepackedLayout layout,
      PairLoop pairs,
      MemorySegment w,
      long rowBytes,
      int from,
      int to,
      int n,
      WordInput in,
      float[] out,
      int outOff) {
    if (w.getClass() != RepackedLayout.NATIVE) {
      for (int r = from; r < to; r++) {
        out[outOff + r] = in.referenceDot(layout, w, r * rowBytes, n);
      }
      return;
    }
    int h = (to - from) / 2;
    if (h > 0) {
      pairs.run(w, rowBytes, from, h, h, n, in, out, outOff);
    }
    if ((to - from) % 2 == 1) {
      pairs.run(w, rowBytes, to - 1, 0, 1, n, in, out, outOff);
    }
  }
}
