package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InterleavedRowsTest {
  private static final Parallel PARALLEL = new Parallel(2);

  @AfterAll
  static void closePool() {
    PARALLEL.close();
  }

  @BeforeEach
  void needs512BitVectors() {
    assumeTrue(VectorShapes.L == 16, "interleaving is only used with 512-bit vectors");
  }

  private static float magnitude(Matrix m, float[] x, int r) {
    float[] row = new float[m.cols()];
    m.row(r, row, 0);
    float sum = 0f;
    for (int k = 0; k < m.cols(); k++) {
      sum += Math.abs(row[k] * x[k]);
    }
    return sum;
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q8_0", "Q4_0"})
  void productsAndRowsMatchTheScalarReference(GgmlType type) {
    // 256 x 256 is above the serial threshold, so the groups are split over two threads.
    int[][] shapes = {{4, 64}, {8, 96}, {212, 160}, {256, 256}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      Random random = new Random(rows * 31L + cols);
      MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
      Matrix m = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.VECTOR);
      Matrix ref = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.SCALAR);
      assertNotSame(data, m.data(), "an interleaved copy");
      assertEquals(
          (long) rows * cols / 32 * (type == GgmlType.Q8_0 ? 36 : 20), m.data().byteSize());
      float[] row = new float[cols];
      float[] expectedRow = new float[cols];
      for (int r = 0; r < rows; r++) {
        m.row(r, row, 0);
        ref.row(r, expectedRow, 0);
        assertArrayEquals(expectedRow, row, type + " row " + r + " of " + rows + "x" + cols);
      }
      float[] x = RandomWeights.floats(cols, random);
      float[] out = new float[rows];
      float[] expected = new float[rows];
      m.matvec(x, 0, out, 0);
      ref.matvec(x, 0, expected, 0);
      TypeKernel kernel = Kernels.of(type, KernelBackend.VECTOR);
      long rowBytes = type.byteSize(cols);
      for (int r = 0; r < rows; r++) {
        float tolerance = 1e-5f * magnitude(ref, x, r) + 1e-6f;
        assertEquals(expected[r], out[r], tolerance, type + " product row " + r);
        // the file-layout vector kernel sums in the same order: equal up to lane reduction
        float file = kernel.dot(data, r * rowBytes, x, 0, cols);
        assertEquals(file, out[r], 1e-6f * magnitude(ref, x, r) + 1e-7f, "row " + r);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q8_0", "Q4_0"})
  void batchedProductsReadTheCopy(GgmlType type) {
    int rows = 64;
    int cols = 1024;
    Random random = new Random(7);
    MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
    Matrix m = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.VECTOR);
    Matrix ref = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.SCALAR);
    for (int n : new int[] {2, 5, 40}) {
      float[] x = RandomWeights.floats(n * cols, random);
      float[] out = new float[n * rows];
      float[] expected = new float[n * rows];
      m.matmul(x, n, out);
      ref.matmul(x, n, expected);
      float scale = 0;
      for (float v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < out.length; i++) {
        assertEquals(expected[i], out[i], 1e-5f * scale, type + " n=" + n + " output " + i);
      }
    }
  }

  @Test
  void singleRowDotOfTheLayoutEqualsTheGroupProduct() {
    int rows = 8;
    int cols = 128;
    for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
      MemorySegment data = RandomWeights.of(type, (long) rows * cols, new Random(3));
      InterleavedRows cells = InterleavedRows.of(type, data, rows, cols, PARALLEL);
      float[] x = RandomWeights.floats(cols, new Random(4));
      float[] out = new float[rows];
      cells.groups(cells.data(), 0, rows / 4, x, 0, out, 0);
      for (int r = 0; r < rows; r++) {
        float one = cells.dot(cells.data(), r * cells.rowBytes(), x, 0, cols);
        assertEquals(out[r], one, 1e-6f * Math.abs(out[r]) + 1e-7f, type + " row " + r);
      }
      // a column range starting mid-row (block 2) dequantises that range of the row
      float[] whole = new float[cols];
      float[] part = new float[cols - 64];
      cells.dequantize(cells.data(), 5 * cells.rowBytes(), whole, 0, cols);
      long perBlock = type == GgmlType.Q8_0 ? 36 : 20;
      cells.dequantize(cells.data(), 5 * cells.rowBytes() + 2 * perBlock, part, 0, 64);
      for (int i = 0; i < 64; i++) {
        assertEquals(whole[64 + i], part[i], 0f, type + " element " + (64 + i));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q8_0", "Q4_0"})
  void rowsStoredInColumnChunksGiveTheSameProductsAndRows(GgmlType type) {
    // chunks of 2 blocks: 7 blocks are stored as 2 + 2 + 2 + 1, 5 as 2 + 2 + 1; 256 x 320 is
    // split over two threads
    int[][] shapes = {{8, 224}, {212, 160}, {256, 320}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      Random random = new Random(rows * 17L + cols);
      MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
      Matrix whole = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.VECTOR);
      Matrix chunked;
      try {
        System.setProperty(InterleavedRows.CHUNK_PROPERTY, "64");
        chunked = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.VECTOR);
      } finally {
        System.clearProperty(InterleavedRows.CHUNK_PROPERTY);
      }
      Matrix ref = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.SCALAR);
      assertEquals(whole.data().byteSize(), chunked.data().byteSize());
      assertTrue(
          whole.data().mismatch(chunked.data()) >= 0,
          "the chunks store the cells in another order");
      String shapeName = type + " " + rows + "x" + cols;
      float[] row = new float[cols];
      float[] expectedRow = new float[cols];
      for (int r = 0; r < rows; r++) {
        chunked.row(r, row, 0);
        ref.row(r, expectedRow, 0);
        assertArrayEquals(expectedRow, row, shapeName + " row " + r);
      }
      float[] x = RandomWeights.floats(cols, random);
      float[] out = new float[rows];
      float[] unchunked = new float[rows];
      float[] expected = new float[rows];
      chunked.matvec(x, 0, out, 0);
      whole.matvec(x, 0, unchunked, 0);
      ref.matvec(x, 0, expected, 0);
      for (int r = 0; r < rows; r++) {
        float tolerance = 1e-5f * magnitude(ref, x, r) + 1e-6f;
        assertEquals(expected[r], out[r], tolerance, shapeName + " product row " + r);
        assertEquals(unchunked[r], out[r], tolerance, shapeName + " against whole rows, " + r);
      }
      int n = 3;
      float[] xs = RandomWeights.floats(n * cols, random);
      float[] batched = new float[n * rows];
      float[] batchedRef = new float[n * rows];
      chunked.matmul(xs, n, batched);
      ref.matmul(xs, n, batchedRef);
      for (int i = 0; i < batched.length; i++) {
        float tolerance = 1e-5f * magnitude(ref, xs, 0) + 1e-4f;
        assertEquals(batchedRef[i], batched[i], tolerance, shapeName + " batched output " + i);
      }
    }
  }

  @Test
  void aRowRangeCrossingAChunkReadsBothChunks() {
    int rows = 8;
    int cols = 224;
    for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
      MemorySegment data = RandomWeights.of(type, (long) rows * cols, new Random(9));
      InterleavedRows cells;
      try {
        System.setProperty(InterleavedRows.CHUNK_PROPERTY, "64");
        cells = InterleavedRows.of(type, data, rows, cols, PARALLEL);
      } finally {
        System.clearProperty(InterleavedRows.CHUNK_PROPERTY);
      }
      InterleavedRows whole = InterleavedRows.of(type, data, rows, cols, PARALLEL);
      long perBlock = type == GgmlType.Q8_0 ? 36 : 20;
      float[] x = RandomWeights.floats(cols, new Random(10));
      for (int r = 0; r < rows; r++) {
        // blocks 1..5 of row r: from the middle of the first chunk into the third
        long o = r * cells.rowBytes() + perBlock;
        float[] part = new float[160];
        float[] expected = new float[160];
        cells.dequantize(cells.data(), o, part, 0, 160);
        whole.dequantize(whole.data(), o, expected, 0, 160);
        assertArrayEquals(expected, part, type + " row " + r);
        assertEquals(
            whole.dot(whole.data(), o, x, 0, 160),
            cells.dot(cells.data(), o, x, 0, 160),
            0f,
            type + " row " + r + ": the same blocks in the same order");
      }
    }
  }

  @Test
  void chunkWidthComesFromThePropertyAndLeavesRowsUpToOneAndAHalfChunksWhole() {
    assertEquals(64, InterleavedRows.chunkBlocks(64), "2,048 columns: whole");
    assertEquals(96, InterleavedRows.chunkBlocks(96), "3,072 columns: whole");
    assertEquals(64, InterleavedRows.chunkBlocks(97));
    assertEquals(64, InterleavedRows.chunkBlocks(176), "TinyLlama's ffn_down, 5,632 columns");
    try {
      System.setProperty(InterleavedRows.CHUNK_PROPERTY, "0");
      assertEquals(176, InterleavedRows.chunkBlocks(176), "0: rows whole");
      for (String bad : new String[] {"100", "-64", "wide"}) {
        System.setProperty(InterleavedRows.CHUNK_PROPERTY, bad);
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> InterleavedRows.chunkBlocks(176));
        assertTrue(
            e.getMessage().contains("fathom.engine.chunk-columns=" + bad)
                && e.getMessage().contains("multiple of 32"),
            e.getMessage());
      }
    } finally {
      System.clearProperty(InterleavedRows.CHUNK_PROPERTY);
    }
  }

  @Test
  void otherShapesAndTypesKeepTheFileLayout() {
    MemorySegment odd = RandomWeights.of(GgmlType.Q8_0, 6L * 64, new Random(1));
    assertSame(odd, Matrices.of(GgmlType.Q8_0, odd, 6, 64, PARALLEL, KernelBackend.VECTOR).data());
    MemorySegment f32 = RandomWeights.of(GgmlType.F32, 4L * 64, new Random(1));
    assertSame(f32, Matrices.of(GgmlType.F32, f32, 4, 64, PARALLEL, KernelBackend.VECTOR).data());
    MemorySegment q8 = RandomWeights.of(GgmlType.Q8_0, 4L * 64, new Random(1));
    assertSame(
        q8,
        Matrices.of(GgmlType.Q8_0, q8, 4, 64, PARALLEL, KernelBackend.VECTOR, true).data(),
        "the 8-bit activation path reads the file's layout");
  }

  @Test
  void propertyTurnsItOffAndAcceptsOnlyTrueOrFalse() {
    MemorySegment q8 = RandomWeights.of(GgmlType.Q8_0, 4L * 64, new Random(1));
    try {
      System.setProperty(InterleavedRows.PROPERTY, "false");
      assertSame(q8, Matrices.of(GgmlType.Q8_0, q8, 4, 64, PARALLEL, KernelBackend.VECTOR).data());
      System.setProperty(InterleavedRows.PROPERTY, "yes");
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Matrices.of(GgmlType.Q8_0, q8, 4, 64, PARALLEL, KernelBackend.VECTOR));
      assertTrue(e.getMessage().contains("fathom.engine.interleave=yes"), e.getMessage());
    } finally {
      System.clearProperty(InterleavedRows.PROPERTY);
    }
  }
}
