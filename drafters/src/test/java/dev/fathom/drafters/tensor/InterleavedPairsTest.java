package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InterleavedPairsTest {
  private static final Parallel ONE = new Parallel(1);

  @AfterAll
  static void closePool() {
    ONE.close();
  }

  @BeforeEach
  void needs512BitVectors() {
    assumeTrue(VectorShapes.L == 16, "interleaving is only used with 512-bit vectors");
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q8_0", "Q4_0"})
  void twoStreamsGiveTheOneStreamResultsBitForBit(GgmlType type) {
    int cols = 160;
    int groups = 7;
    MemorySegment data = RandomWeights.of(type, 4L * groups * cols, new Random(11));
    InterleavedRows cells = InterleavedRows.of(type, data, 4 * groups, cols, ONE);
    float[] x = RandomWeights.floats(cols + 32, new Random(12));
    // every range of groups: empty, odd and even lengths, starting anywhere; x and out offset
    for (int from = 0; from <= groups; from++) {
      for (int to = from; to <= groups; to++) {
        float[] one = new float[4 * groups + 3];
        float[] two = new float[4 * groups + 3];
        Arrays.fill(one, Float.NaN);
        Arrays.fill(two, Float.NaN);
        cells.singles(cells.data(), from, to, x, 32, one, 3);
        cells.pairs(cells.data(), from, to, x, 32, two, 3);
        assertArrayEquals(one, two, type + " groups [" + from + ", " + to + ")");
        for (int i = 0; i < one.length; i++) {
          boolean written = i >= 3 + 4 * from && i < 3 + 4 * to;
          assertEquals(written, !Float.isNaN(two[i]), type + " output " + i + " written");
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q8_0", "Q4_0"})
  void pairedProductsMatchTheScalarReference(GgmlType type) {
    int rows = 24;
    int cols = 256;
    Random random = new Random(5);
    MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
    InterleavedRows cells = InterleavedRows.of(type, data, rows, cols, ONE);
    Matrix ref = Matrices.of(type, data, rows, cols, ONE, KernelBackend.SCALAR);
    float[] x = RandomWeights.floats(cols, random);
    float[] out = new float[rows];
    float[] expected = new float[rows];
    cells.pairs(cells.data(), 0, rows / 4, x, 0, out, 0);
    ref.matvec(x, 0, expected, 0);
    float[] row = new float[cols];
    for (int r = 0; r < rows; r++) {
      ref.row(r, row, 0);
      float magnitude = 0;
      for (int k = 0; k < cols; k++) {
        magnitude += Math.abs(row[k] * x[k]);
      }
      assertEquals(expected[r], out[r], 1e-5f * magnitude + 1e-6f, type + " row " + r);
    }
  }
}
