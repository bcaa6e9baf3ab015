package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MatricesTest {
  private static final Parallel PARALLEL = new Parallel(3);
  private static final int[] ROWS = {1, 13, 37, 207};
  private static final int[] BATCHES = {2, 5, 6, 7, 13};

  @AfterAll
  static void closePool() {
    PARALLEL.close();
  }

  private static int colsFor(GgmlType type) {
    return switch (type.blockSize()) {
      case 1 -> 213; // not a multiple of any vector length
      case 32 -> 96;
      default -> 512;
    };
  }

  private static float magnitude(Matrix m, float[] x, int xOff, int r) {
    float[] row = new float[m.cols()];
    m.row(r, row, 0);
    float sum = 0f;
    for (int k = 0; k < m.cols(); k++) {
      sum += Math.abs(row[k] * x[xOff + k]);
    }
    return sum;
  }

  /**
   * How far a matvec of row {@code r} may be from the float product because it rounds its input to
   * 8 bits per sub-block ({@link TiledQ4K}, {@link WordQ4K}, {@link WordQ6K}: 512-bit vectors): Σ
   * |w| · scale / 2, with a little slack; 0 for every other matrix.
   */
  private static float inputRounding(Matrix m, KernelBackend backend, float[] x, int xOff, int r) {
    RepackedLayout layout = RepackedRows.layout(m.type(), PARALLEL.threads());
    boolean rounds =
        layout == TiledQ4K.LAYOUT || layout == WordQ4K.LAYOUT || layout == WordQ6K.LAYOUT;
    if (backend != KernelBackend.VECTOR || !rounds) {
      return 0;
    }
    float[] w = new float[m.cols()];
    m.row(r, w, 0);
    double bound = 0;
    int sub = m.type() == GgmlType.Q4_K ? 32 : 16;
    for (int start = 0; start < m.cols(); start += sub) {
      float amax = 0;
      for (int i = start; i < start + sub; i++) {
        amax = Math.max(amax, Math.abs(x[xOff + i]));
      }
      for (int i = start; i < start + sub; i++) {
        bound += Math.abs(w[i]) * amax / 127 / 2;
      }
    }
    return (float) (bound * 1.01);
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
  void matvecIsTheKernelDotOfEveryRow(GgmlType type) {
    int cols = colsFor(type);
    for (int rows : ROWS) {
      Random random = new Random(rows);
      MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
      Matrix m = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.VECTOR);
      float[] x = RandomWeights.floats(cols + 1, random);
      float[] out = new float[rows + 2];
      m.matvec(x, 1, out, 2);
      TypeKernel kernel = Kernels.of(type, KernelBackend.VECTOR);
      for (int r = 0; r < rows; r++) {
        // Q4_K and Q6_K products read a repacked copy (RepackedRows, tested bit for bit against
        // its own kernel in VectorRepackedKernelsTest): the same terms, summed in another order.
        // Other rows may go to TypeKernel.dot2 in pairs, and a lane reduction compiled by C2 need
        // not add in the interpreter's order.
        float tolerance =
            (RepackedRows.kernel(type) == null ? 1e-6f : 1e-5f) * magnitude(m, x, 1, r)
                + 1e-6f
                + inputRounding(m, KernelBackend.VECTOR, x, 1, r);
        assertEquals(kernel.dot(data, r * type.byteSize(cols), x, 1, cols), out[2 + r], tolerance);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
  void matmulEqualsRepeatedMatvecOnBothBackends(GgmlType type) {
    int cols = colsFor(type);
    for (KernelBackend backend : KernelBackend.values()) {
      for (int rows : ROWS) {
        for (int n : BATCHES) {
          Random random = new Random(rows * 100L + n);
          MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
          Matrix m = Matrices.of(type, data, rows, cols, PARALLEL, backend);
          float[] x = RandomWeights.floats(n * cols, random);
          float[] out = new float[n * rows];
          m.matmul(x, n, out);
          float[] one = new float[rows];
          for (int j = 0; j < n; j++) {
            m.matvec(x, j * cols, one, 0);
            for (int r = 0; r < rows; r++) {
              // Same products, summed in another order (dequantised floats vs block sums): the
              // bound is a few float roundings of the sum of absolute terms.
              float tolerance =
                  1e-5f * magnitude(m, x, j * cols, r)
                      + 1e-6f
                      + inputRounding(m, backend, x, j * cols, r);
              assertEquals(
                  one[r],
                  out[j * rows + r],
                  tolerance,
                  backend + " " + type + " " + rows + "x" + cols + " n=" + n + " j=" + j + " r="
                      + r);
            }
          }
        }
      }
    }
  }

  /**
   * Columns spanning several of the vector batch product's cache blocks ({@code KC}), with a
   * partial last block, a vector tail (F32) and rows that leave a partial 16-row panel: the sums
   * carried across blocks must equal one dot product per row and input.
   */
  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
  void matmulOverSeveralColumnBlocksEqualsMatvec(GgmlType type) {
    int cols =
        switch (type.blockSize()) {
          case 1 -> 2 * VectorBatchProduct.KC + 77;
          case 32 -> 32 * 37; // 1184: two blocks and a partial third
          default -> 256 * 5; // 1280
        };
    int rows = 2 * VectorBatchProduct.G + 5;
    for (int n : new int[] {3, 8, 31}) {
      Random random = new Random(cols * 7L + n);
      MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
      Matrix m = Matrices.of(type, data, rows, cols, PARALLEL, KernelBackend.VECTOR);
      float[] x = RandomWeights.floats(n * cols, random);
      float[] out = new float[n * rows];
      m.matmul(x, n, out);
      float[] one = new float[rows];
      for (int j = 0; j < n; j++) {
        m.matvec(x, j * cols, one, 0);
        for (int r = 0; r < rows; r++) {
          float tolerance =
              1e-5f * magnitude(m, x, j * cols, r)
                  + 1e-6f
                  + inputRounding(m, KernelBackend.VECTOR, x, j * cols, r);
          assertEquals(
              one[r], out[j * rows + r], tolerance, type + " n=" + n + " j=" + j + " r=" + r);
        }
      }
    }
  }

  @Test
  void rowDequantisesOneRow() {
    MemorySegment data = RandomWeights.of(GgmlType.Q8_0, 3 * 64, new Random(5));
    Matrix m = Matrices.of(GgmlType.Q8_0, data, 3, 64, PARALLEL, KernelBackend.VECTOR);
    float[] row = new float[65];
    m.row(2, row, 1);
    float[] expected = new float[64];
    Kernels.of(GgmlType.Q8_0, KernelBackend.SCALAR).dequantize(data, 2 * 68, expected, 0, 64);
    for (int k = 0; k < 64; k++) {
      assertEquals(expected[k], row[1 + k], 0f);
    }
  }

  @Test
  void sizeMismatchNamesTypeAndShape() {
    MemorySegment data = MemorySegment.ofArray(new byte[34 * 3]);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Matrices.of(GgmlType.Q8_0, data, 2, 64, PARALLEL, KernelBackend.VECTOR));
    assertTrue(e.getMessage().contains("Q8_0 matrix 2x64 needs 136 bytes"), e.getMessage());
  }

  @Test
  void colsMustBeWholeBlocks() {
    MemorySegment data = MemorySegment.ofArray(new byte[1000]);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Matrices.of(GgmlType.Q4_K, data, 1, 100, PARALLEL, KernelBackend.VECTOR));
    assertTrue(e.getMessage().contains("256"), e.getMessage());
  }

  @Test
  void unsupportedTypeIsNamed() {
    MemorySegment data = MemorySegment.ofArray(new byte[110]);
    var e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Matrices.of(GgmlType.Q3_K, data, 1, 256, PARALLEL, KernelBackend.VECTOR));
    assertTrue(e.getMessage().contains("Q3_K"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void rowPairsPropertyAcceptsOnlyTrueOrFalse() {
    String before = System.getProperty("fathom.engine.row-pairs");
    try {
      System.setProperty("fathom.engine.row-pairs", "yes");
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, KernelMatrix::rowPairs);
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().contains("row-pairs=yes") && e.getMessage().contains("true or false"),
          e.getMessage());
      System.setProperty("fathom.engine.row-pairs", "false");
      org.junit.jupiter.api.Assertions.assertFalse(KernelMatrix.rowPairs());
      System.clearProperty("fathom.engine.row-pairs");
      org.junit.jupiter.api.Assertions.assertTrue(KernelMatrix.rowPairs());
    } finally {
      if (before == null) {
        System.clearProperty("fathom.engine.row-pairs");
      } else {
        System.setProperty("fathom.engine.row-pairs", before);
      }
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        InterleavedRows.TWO_STREAMS_PROPERTY,
        KernelMatrix.ROW_PAIRS_PROPERTY,
        RepackedRows.TWO_STREAMS_PROPERTY
      })
  void aBadStaticSwitchFailsTheMatrixNamingIt(String property) {
    String before = System.getProperty(property);
    try {
      System.setProperty(property, "yes");
      MemorySegment data = RandomWeights.of(GgmlType.Q8_0, 4 * 64, new Random(7));
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Matrices.of(GgmlType.Q8_0, data, 4, 64, PARALLEL, KernelBackend.VECTOR));
      assertEquals("-D" + property + "=yes: must be true or false", e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }
}
