package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Matrix–vector products over the lane-major float layouts ({@link VectorRepackedKernels}): the
 * input prepared once per product in the calling thread's buffer, then every row's dot with it;
 * Q4_K rows in far pairs ({@link RepackedFarPairs}) on 16 lanes.
 */
final class LaneMajorProduct {
  /** The calling thread's buffer for inputs prepared for repacked rows. */
  private static final ThreadLocal<float[][]> PREPARED =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  private LaneMajorProduct() {}

  static void matvec(
      VectorRepackedKernels k,
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
    // One buffer per calling thread: read by the workers only until forRange returns, and a
    // decode step then allocates nothing per product.
    float[][] holder = PREPARED.get();
    if (holder[0].length < VectorRepackedKernels.preparedSize(n)) {
      holder[0] = new float[VectorRepackedKernels.preparedSize(n)];
    }
    float[] prep = k.prepare(x, xOff, n, holder[0]);
    if (RepackedRows.TWO_STREAMS && k == VectorRepackedKernels.Q4_K) {
      // rows r and r + h together: two streams per thread (docs/performance.md); a loop of its
      // own, so that the one-row loop's compiled code does not change
      RepackedLayout.eachRows(
          rows,
          parallel,
          serial,
          (from, to) -> RepackedFarPairs.rows(w, rowBytes, from, to, prep, n, out, outOff));
      return;
    }
    RepackedLayout.eachRows(
        rows,
        parallel,
        serial,
        (from, to) -> {
          for (int r = from; r < to; r++) {
            out[outOff + r] = k.dot(w, r * rowBytes, prep, 0, prep, n);
          }
        });
  }
}
