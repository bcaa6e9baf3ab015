package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The two-stream repacked Q4_K loop ({@link RepackedFarPairs}) against the scalar reference ({@link
 * ScalarKQuantKernels}) and the one-row repacked kernel, on even and odd row ranges (16 lanes
 * only). The Q6_K form, measured and not adopted, is checked the same way from the bench sources
 * ({@code RepackedFarPairsQ6Test}).
 */
class RepackedFarPairsTest {
  private static final Parallel PARALLEL = new Parallel(2);

  @AfterAll
  static void closePool() {
    PARALLEL.close();
  }

  /**
   * A two-stream loop's signature: rows {@code [from, to)} of a repacked matrix into {@code out}.
   */
  interface PairedRows {
    void rows(
        MemorySegment w,
        long rowBytes,
        int from,
        int to,
        float[] prep,
        int cols,
        float[] out,
        int at);
  }

  @Test
  void pairedRowsMatchTheScalarReferenceAndTheOneRowKernel() {
    check(GgmlType.Q4_K, RepackedFarPairs::rows);
  }

  static void check(GgmlType type, PairedRows paired) {
    assumeTrue(VectorShapes.L == 16, "the paired loop is written for 16 lanes");
    int[][] shapes = {{1, 256}, {2, 512}, {7, 768}, {64, 1024}, {129, 2048}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      Random random = new Random(rows * 17L + cols);
      MemorySegment src = RandomWeights.of(type, (long) rows * cols, random);
      RepackedRows repacked =
          RepackedRows.of(RepackedRows.kernel(type), type, src, rows, cols, PARALLEL);
      Matrix scalar = Matrices.of(type, src, rows, cols, PARALLEL, KernelBackend.SCALAR);
      VectorRepackedKernels k = ((VectorRepackedKernels) repacked.layout());
      float[] x = RandomWeights.floats(cols, random);
      float[] prep = k.sums(x, 0, cols);
      float[] ref = new float[rows];
      scalar.matvec(x, 0, ref, 0);
      // the whole range, and a range that starts inside the matrix (as a worker thread's does)
      for (int from : new int[] {0, rows / 3}) {
        float[] out = new float[rows + 2];
        Arrays.fill(out, Float.NaN);
        paired.rows(repacked.data(), repacked.rowBytes(), from, rows, prep, cols, out, 2);
        float[] row = new float[cols];
        for (int r = from; r < rows; r++) {
          scalar.row(r, row, 0);
          double magnitude = 0;
          for (int i = 0; i < cols; i++) {
            magnitude += Math.abs(row[i] * x[i]);
          }
          String where = type + " " + rows + "x" + cols + " from " + from + " row " + r;
          assertEquals(ref[r], out[2 + r], 1e-5 * magnitude + 1e-6, where);
          float one = k.dot(repacked.data(), r * repacked.rowBytes(), prep, 0, prep, cols);
          // the same arithmetic per row; only the final lane sum's order may differ
          assertEquals(one, out[2 + r], 1e-6 * magnitude + 1e-6, where + " (one-row kernel)");
        }
        for (int r = 0; r < from; r++) {
          assertEquals(Float.NaN, out[2 + r], "row " + r + " is outside the range");
        }
      }
    }
  }

  @Test
  void eachStreamReadsItsOwnRow() {
    assumeTrue(VectorShapes.L == 16, "the paired loop is written for 16 lanes");
    int rows = 4;
    int cols = 512;
    MemorySegment src = RandomWeights.of(GgmlType.Q4_K, (long) rows * cols, new Random(5));
    RepackedRows repacked =
        RepackedRows.of(
            RepackedRows.kernel(GgmlType.Q4_K), GgmlType.Q4_K, src, rows, cols, PARALLEL);
    float[] x = RandomWeights.floats(cols, new Random(6));
    float[] prep = VectorRepackedKernels.Q4_K.sums(x, 0, cols);
    float[] before = new float[rows];
    RepackedFarPairs.rows(repacked.data(), repacked.rowBytes(), 0, rows, prep, cols, before, 0);
    // a quant byte of row 3 (paired with row 1): only row 3's product changes
    long at = 3 * repacked.rowBytes() + KQuantRepack.Q4_K_BYTES + 40;
    MemorySegment w = repacked.data();
    w.set(
        java.lang.foreign.ValueLayout.JAVA_BYTE,
        at,
        (byte) ~w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at));
    float[] after = new float[rows];
    RepackedFarPairs.rows(w, repacked.rowBytes(), 0, rows, prep, cols, after, 0);
    assertEquals(before[0], after[0]);
    assertEquals(before[1], after[1]);
    assertEquals(before[2], after[2]);
    assertNotEquals(before[3], after[3]);
  }

  @Test
  void aSegmentThatIsNotAnArenaCopyTakesTheOneRowKernel() {
    assumeTrue(VectorShapes.L == 16, "the paired loop is written for 16 lanes");
    int rows = 6;
    int cols = 512;
    MemorySegment src = RandomWeights.of(GgmlType.Q4_K, (long) rows * cols, new Random(8));
    RepackedRows repacked =
        RepackedRows.of(
            RepackedRows.kernel(GgmlType.Q4_K), GgmlType.Q4_K, src, rows, cols, PARALLEL);
    float[] x = RandomWeights.floats(cols, new Random(9));
    float[] prep = VectorRepackedKernels.Q4_K.sums(x, 0, cols);
    MemorySegment heap = MemorySegment.ofArray(new byte[(int) repacked.data().byteSize()]);
    heap.copyFrom(repacked.data());
    float[] out = new float[rows];
    RepackedFarPairs.rows(heap, repacked.rowBytes(), 0, rows, prep, cols, out, 0);
    for (int r = 0; r < rows; r++) {
      // the fallback is the one-row kernel itself, so the results are its own bit for bit
      assertEquals(
          VectorRepackedKernels.Q4_K.dot(heap, r * repacked.rowBytes(), prep, 0, prep, cols),
          out[r],
          "row " + r);
    }
  }
}
