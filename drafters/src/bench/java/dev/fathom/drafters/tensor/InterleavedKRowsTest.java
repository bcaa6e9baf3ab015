package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The four-row Q4_K and Q6_K cells of {@link InterleavedKRows} (an experiment in the test sources,
 * not used by the engine) against the scalar reference ({@link ScalarKQuantKernels}) and the
 * one-row repacked kernels. On 256-bit vectors ({@code -XX:MaxVectorSize=32}) the layout is not
 * built.
 */
class InterleavedKRowsTest {
  private static final Parallel PARALLEL = new Parallel(2);

  @AfterAll
  static void closePool() {
    PARALLEL.close();
  }

  private static double magnitude(Matrix ref, float[] x, int xOff, int r) {
    float[] row = new float[ref.cols()];
    ref.row(r, row, 0);
    double sum = 0;
    for (int i = 0; i < row.length; i++) {
      sum += Math.abs(row[i] * x[xOff + i]);
    }
    return sum;
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void rowsAndProductsMatchTheScalarReference(GgmlType type) {
    assumeTrue(VectorShapes.L == 16, "the cells are built only with 512-bit vectors");
    // 128 x 512 is above the serial threshold: the row groups are split over two threads.
    int[][] shapes = {{4, 256}, {8, 768}, {128, 512}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      Random random = new Random(rows * 31L + cols);
      MemorySegment src = RandomWeights.of(type, (long) rows * cols, random);
      InterleavedKRows cells = InterleavedKRows.of(type, src, rows, cols, PARALLEL);
      Matrix ref = Matrices.of(type, src, rows, cols, PARALLEL, KernelBackend.SCALAR);
      int perRow = type == GgmlType.Q4_K ? 160 : 212;
      assertEquals((long) rows * cols / 256 * perRow, cells.data().byteSize(), "the 4-row cells");
      float[] row = new float[cols];
      float[] expectedRow = new float[cols];
      for (int r = 0; r < rows; r++) {
        cells.dequantize(cells.data(), r * cells.rowBytes(), row, 0, cols);
        ref.row(r, expectedRow, 0);
        // the stored values, in the reference's arithmetic: bit for bit
        assertArrayEquals(expectedRow, row, type + " row " + r + " of " + rows + "x" + cols);
      }
      float[] x = RandomWeights.floats(cols + 3, random);
      float[] out = new float[rows + 1];
      float[] expected = new float[rows];
      cells.matvec(cells.data(), rows, x, 3, out, 1, PARALLEL);
      float[] shifted = new float[cols];
      System.arraycopy(x, 3, shifted, 0, cols);
      ref.matvec(shifted, 0, expected, 0);
      for (int r = 0; r < rows; r++) {
        double tolerance = 1e-5 * magnitude(ref, x, 3, r) + 1e-6;
        assertEquals(expected[r], out[r + 1], tolerance, type + " product row " + r);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void groupProductsEqualTheRepackedKernelWithinRounding(GgmlType type) {
    assumeTrue(VectorShapes.L == 16, "the cells are built only with 512-bit vectors");
    int rows = 12;
    int cols = 256 * 5;
    Random random = new Random(5);
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, random);
    InterleavedKRows cells = InterleavedKRows.of(type, src, rows, cols, PARALLEL);
    assertNotNull(cells);
    RepackedRows one = RepackedRows.of(RepackedRows.kernel(type), type, src, rows, cols, PARALLEL);
    Matrix ref = Matrices.of(type, src, rows, cols, PARALLEL, KernelBackend.SCALAR);
    float[] x = RandomWeights.floats(cols, random);
    float[] prep = ((VectorRepackedKernels) one.layout()).sums(x, 0, cols);
    float[] out = new float[rows];
    cells.groups(cells.data(), 0, rows / 4, prep, out, 0);
    for (int r = 0; r < rows; r++) {
      float repacked = ((VectorRepackedKernels) one.layout()).dot(one.data(), r * one.rowBytes(), prep, 0, prep, cols);
      // same lane sums; only the grouping of the super-block terms differs
      assertEquals(repacked, out[r], 1e-6 * magnitude(ref, x, 0, r) + 1e-7, type + " row " + r);
      float single = cells.dot(cells.data(), r * cells.rowBytes(), x, 0, cols);
      assertEquals(out[r], single, 1e-5 * magnitude(ref, x, 0, r) + 1e-6, type + " dot " + r);
    }
    // a column range starting at super-block 2 of row 5 dequantises that range of the row
    float[] whole = new float[cols];
    float[] part = new float[cols - 512];
    cells.dequantize(cells.data(), 5 * cells.rowBytes(), whole, 0, cols);
    long perBlock = type == GgmlType.Q4_K ? 160 : 212;
    cells.dequantize(cells.data(), 5 * cells.rowBytes() + 2 * perBlock, part, 0, cols - 512);
    for (int i = 0; i < part.length; i++) {
      assertEquals(whole[512 + i], part[i], 0f, type + " element " + (512 + i));
    }
    // a flipped quant byte in the last cell changes the last group's products
    MemorySegment w = cells.data();
    long last = w.byteSize() - 1;
    w.set(ValueLayout.JAVA_BYTE, last, (byte) ~w.get(ValueLayout.JAVA_BYTE, last));
    float[] after = new float[rows];
    cells.groups(w, 0, rows / 4, prep, after, 0);
    assertNotEquals(out[rows - 1], after[rows - 1]);
    assertEquals(out[0], after[0], 0f, "other groups unchanged");
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void batchedProductsOverTheLaneOrderMatchTheScalarBackend(GgmlType type) {
    assumeTrue(VectorShapes.L == 16, "the cells are built only with 512-bit vectors");
    int rows = 32;
    int cols = 1024;
    Random random = new Random(7);
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, random);
    InterleavedKRows cells = InterleavedKRows.of(type, src, rows, cols, PARALLEL);
    Matrix ref = Matrices.of(type, src, rows, cols, PARALLEL, KernelBackend.SCALAR);
    for (int n : new int[] {2, 5, 40}) {
      float[] x = RandomWeights.floats(n * cols, random);
      float[] out = new float[n * rows];
      float[] expected = new float[n * rows];
      BatchProduct.of(KernelBackend.VECTOR)
          .multiply(
              cells.laneOrder(),
              cells.data(),
              cells.rowBytes(),
              rows,
              cols,
              0,
              rows,
              cells.permuted(x, n),
              n,
              out);
      ref.matmul(x, n, expected);
      for (int j = 0; j < n; j++) {
        for (int r = 0; r < rows; r++) {
          int i = j * rows + r;
          double tolerance = 1e-5 * magnitude(ref, x, j * cols, r) + 1e-6;
          assertEquals(expected[i], out[i], tolerance, type + " n=" + n + " output " + i);
        }
      }
    }
  }

  @Test
  void otherRowCountsTypesAndVectorWidthsAreNotInterleaved() {
    MemorySegment odd = RandomWeights.of(GgmlType.Q4_K, 6L * 256, new Random(1));
    assertNull(InterleavedKRows.of(GgmlType.Q4_K, odd, 6, 256, PARALLEL), "6 rows");
    MemorySegment q8 = RandomWeights.of(GgmlType.Q8_0, 4L * 256, new Random(1));
    assertNull(InterleavedKRows.of(GgmlType.Q8_0, q8, 4, 256, PARALLEL), "Q8_0");
    MemorySegment q4 = RandomWeights.of(GgmlType.Q4_K, 4L * 256, new Random(1));
    assertEquals(
        VectorShapes.L == 16,
        InterleavedKRows.of(GgmlType.Q4_K, q4, 4, 256, PARALLEL) != null,
        "built only with 512-bit vectors");
  }
}
