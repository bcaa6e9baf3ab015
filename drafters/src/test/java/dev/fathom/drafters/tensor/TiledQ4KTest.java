package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TiledQ4K} against {@link WordQ4K}: its rows are the scalar reference's bit for bit, and
 * its products are {@link WordQ4K}'s (the same arithmetic on the same prepared input) up to the
 * order of float additions, for row counts around its tiles, serial and shared out.
 */
class TiledQ4KTest {
  private static final Parallel PARALLEL = new Parallel(2);

  @AfterAll
  static void closePool() {
    PARALLEL.close();
  }

  // one part tile, two full ones (a pair), three (a pair and one alone), six and a part
  private static final int[][] SHAPES = {{7, 768}, {64, 2048}, {96, 512}, {200, 256}, {129, 5632}};

  @Test
  void rowsAreTheReferenceDequantisation() {
    for (int[] shape : SHAPES) {
      int rows = shape[0];
      int cols = shape[1];
      MemorySegment src = RandomWeights.of(GgmlType.Q4_K, (long) rows * cols, new Random(rows));
      RepackedRows w = RepackedRows.of(TiledQ4K.LAYOUT, GgmlType.Q4_K, src, rows, cols, PARALLEL);
      assertEquals(TiledQ4K.LAYOUT.bytes(rows, cols), w.data().byteSize());
      TypeKernel scalar = Kernels.of(GgmlType.Q4_K, KernelBackend.SCALAR);
      for (int r = 0; r < rows; r++) {
        float[] expected = new float[cols];
        scalar.dequantize(src, r * GgmlType.Q4_K.byteSize(cols), expected, 0, cols);
        float[] actual = new float[cols];
        TiledQ4K.LAYOUT.dequantize(w.data(), r * w.rowBytes(), actual, 0, cols);
        assertArrayEquals(expected, actual, rows + "x" + cols + " row " + r);
      }
    }
  }

  @Test
  void productsAreWordQ4KsUpToTheOrderOfAdditions() {
    assumeTrue(WordQ4K.supported(), "16-bit products are written for 512-bit vectors");
    for (int[] shape : SHAPES) {
      int rows = shape[0];
      int cols = shape[1];
      Random random = new Random(rows * 31L + cols);
      MemorySegment src = RandomWeights.of(GgmlType.Q4_K, (long) rows * cols, random);
      RepackedRows tiled =
          RepackedRows.of(TiledQ4K.LAYOUT, GgmlType.Q4_K, src, rows, cols, PARALLEL);
      RepackedRows word = RepackedRows.of(WordQ4K.LAYOUT, GgmlType.Q4_K, src, rows, cols, PARALLEL);
      float[] x = RandomWeights.floats(cols, random);
      float[] expected = new float[rows];
      word.layout().matvec(word.data(), word.rowBytes(), rows, cols, x, 0, expected, 0, null, true);
      for (boolean serial : new boolean[] {true, false}) {
        float[] out = new float[rows + 1];
        Arrays.fill(out, Float.NaN);
        TiledQ4K.LAYOUT.matvec(
            tiled.data(), tiled.rowBytes(), rows, cols, x, 0, out, 1, PARALLEL, serial);
        assertEquals(Float.NaN, out[0]);
        for (int r = 0; r < rows; r++) {
          assertEquals(
              expected[r], out[1 + r], 1e-5f * (1 + Math.abs(expected[r])), rows + "x" + cols);
        }
      }
    }
  }
}
