package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Q4_K and Q6_K layouts for 16-bit products ({@link WordQ4K}, {@link TiledQ4K}, {@link WordQ6K}
 * and their products): their stored weights against the scalar reference, bit for bit; their
 * products against the same arithmetic in doubles on the 8-bit input, and against the float
 * reference within the bound that rounding the input to 8 bits allows.
 */
class WordLayoutsTest {
  private static final Parallel PARALLEL = new Parallel(2);

  @AfterAll
  static void closePool() {
    PARALLEL.close();
  }

  /** The layouts under test, by class name: Q4_K's two and Q6_K's. */
  private static RepackedLayout layout(String name) {
    return switch (name) {
      case "WordQ4K" -> WordQ4K.LAYOUT;
      case "TiledQ4K" -> TiledQ4K.LAYOUT;
      case "WordQ6K" -> WordQ6K.LAYOUT;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static GgmlType typeOf(String name) {
    return name.endsWith("Q6K") ? GgmlType.Q6_K : GgmlType.Q4_K;
  }

  private static RepackedRows repack(String name, MemorySegment src, int rows, int cols) {
    return RepackedRows.of(layout(name), typeOf(name), src, rows, cols, PARALLEL);
  }

  @Test
  void positionsCoverEveryElementOnce() {
    for (int[] element : new int[][] {WordQ4K.ELEMENT, WordQ6K.ELEMENT}) {
      int[] sorted = element.clone();
      Arrays.sort(sorted);
      for (int e = 0; e < 256; e++) {
        assertEquals(e, sorted[e]);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"WordQ4K", "TiledQ4K", "WordQ6K"})
  void everyWeightIsTheReferenceDequantisation(String name) {
    GgmlType type = typeOf(name);
    int rows = 3;
    int cols = 256 * 3;
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, new Random(21));
    RepackedRows w = repack(name, src, rows, cols);
    assertEquals(layout(name).bytes(rows, cols), w.data().byteSize());
    if (layout(name) != TiledQ4K.LAYOUT) {
      assertEquals(0, w.rowBytes() % 32, "rows start 32-byte aligned");
    }
    TypeKernel scalar = Kernels.of(type, KernelBackend.SCALAR);
    for (int r = 0; r < rows; r++) {
      float[] expected = new float[cols];
      scalar.dequantize(src, r * type.byteSize(cols), expected, 0, cols);
      float[] actual = new float[cols + 2];
      layout(name).dequantize(w.data(), r * w.rowBytes(), actual, 2, cols);
      assertArrayEquals(expected, Arrays.copyOfRange(actual, 2, cols + 2), "row " + r);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"WordQ4K", "TiledQ4K", "WordQ6K"})
  void laneOrderIsThePermutedReference(String name) {
    GgmlType type = typeOf(name);
    int cols = 256 * 2;
    MemorySegment src = RandomWeights.of(type, cols, new Random(22));
    RepackedRows w = repack(name, src, 1, cols);
    float[] reference = new float[cols];
    Kernels.of(type, KernelBackend.SCALAR).dequantize(src, 0, reference, 0, cols);
    float[] expected = new float[cols];
    layout(name).permute(reference, 0, expected, 0, cols);
    float[] actual = new float[cols];
    layout(name).laneOrder().dequantize(w.data(), 0, actual, 0, cols);
    for (int i = 0; i < cols; i++) {
      // one fused multiply-add instead of a multiply and a subtraction
      assertEquals(expected[i], actual[i], Math.ulp(expected[i]) * 2 + 1e-7f, "position " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"WordQ4K", "TiledQ4K", "WordQ6K"})
  void productsAreTheQuantisedInputsArithmeticAndWithinItsRoundingOfTheReference(String name) {
    GgmlType type = typeOf(name);
    assumeTrue(WordQ4K.supported(), "16-bit products are written for 512-bit vectors");
    // row counts around TiledQ4K's tiles of 32: one part tile, two full ones (a pair), three
    // (a pair and one alone), six and a part, four and one row
    int[][] shapes = {{1, 256}, {2, 512}, {7, 768}, {64, 2048}, {96, 512}, {200, 256}, {129, 5632}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      Random random = new Random(rows * 31L + cols);
      MemorySegment src = RandomWeights.of(type, (long) rows * cols, random);
      RepackedRows w = repack(name, src, rows, cols);
      float[] x = RandomWeights.floats(cols, random);
      x[3] = 0; // a zero block elsewhere would be all zero; one zero value is ordinary
      float[] natural = new float[cols];
      float[] out = new float[rows + 3];
      for (boolean serial : new boolean[] {true, false}) {
        Arrays.fill(out, Float.NaN);
        layout(name).matvec(w.data(), w.rowBytes(), rows, cols, x, 0, out, 2, PARALLEL, serial);
        assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]) && Float.isNaN(out[rows + 2]));
        for (int r = 0; r < rows; r++) {
          layout(name).dequantize(w.data(), r * w.rowBytes(), natural, 0, cols);
          double[] expected = quantisedProduct(name, w.data(), r * w.rowBytes(), natural, x, cols);
          String where = rows + "x" + cols + " row " + r + (serial ? " serial" : " parallel");
          assertEquals(expected[0], out[2 + r], 2e-5 * expected[1] + 1e-5, where);
          double exact = 0;
          for (int i = 0; i < cols; i++) {
            exact += (double) natural[i] * x[i];
          }
          assertEquals(exact, out[2 + r], expected[2] + 2e-5 * expected[1] + 1e-5, where);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"WordQ4K", "TiledQ4K", "WordQ6K"})
  void aSegmentThatIsNotAnArenaCopyTakesTheReferenceLoop(String name) {
    GgmlType type = typeOf(name);
    assumeTrue(WordQ4K.supported(), "16-bit products are written for 512-bit vectors");
    int rows = 70;
    int cols = 512;
    Random random = new Random(23);
    RepackedRows w = repack(name, RandomWeights.of(type, (long) rows * cols, random), rows, cols);
    MemorySegment heap =
        MemorySegment.ofArray(w.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    float[] x = RandomWeights.floats(cols, random);
    WordInput in =
        new WordInput()
            .prepare(type == GgmlType.Q6_K ? WordQ6K.LAYOUT : WordQ4K.LAYOUT, x, 0, cols);
    float[] expected = new float[rows];
    float[] actual = new float[rows];
    if (layout(name) == TiledQ4K.LAYOUT) {
      int tiles = (rows + TiledQ4K.TILE - 1) / TiledQ4K.TILE;
      TiledQ4KProduct.tiles(w.data(), 0, tiles, rows, cols, in, expected, 0);
      TiledQ4KProduct.tiles(heap, 0, tiles, rows, cols, in, actual, 0);
    } else {
      WordRows.PairLoop pairs =
          type == GgmlType.Q4_K ? WordQ4KProduct::pairs : WordQ6KProduct::pairs;
      WordRows.rows(layout(name), pairs, w.data(), w.rowBytes(), 0, rows, cols, in, expected, 0);
      WordRows.rows(layout(name), pairs, heap, w.rowBytes(), 0, rows, cols, in, actual, 0);
    }
    for (int r = 0; r < rows; r++) {
      assertEquals(expected[r], actual[r], 1e-5f * Math.abs(expected[r]) + 1e-5f, "row " + r);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"WordQ4K", "TiledQ4K", "WordQ6K"})
  void aNonFiniteInputGivesANonFiniteProduct(String name) {
    GgmlType type = typeOf(name);
    assumeTrue(WordQ4K.supported(), "16-bit products are written for 512-bit vectors");
    int cols = 512;
    Random random = new Random(24);
    RepackedRows w = repack(name, RandomWeights.of(type, 2L * cols, random), 2, cols);
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      float[] x = RandomWeights.floats(cols, random);
      x[300] = bad;
      float[] out = new float[2];
      layout(name).matvec(w.data(), w.rowBytes(), 2, cols, x, 0, out, 0, PARALLEL, true);
      assertTrue(!Float.isFinite(out[0]) && !Float.isFinite(out[1]), Arrays.toString(out));
    }
  }

  /**
   * The row at {@code o} times {@code x} as the product computes it, in doubles: the weights times
   * {@code x} rounded to 8 bits per sub-block; returns {the product, Σ |w·x| (a scale for float
   * rounding), the bound on its difference from {@code weights · x} that the input's rounding
   * allows}.
   */
  private static double[] quantisedProduct(
      String name, MemorySegment w, long o, float[] weights, float[] x, int n) {
    GgmlType type = typeOf(name);
    double sum = 0;
    double magnitude = 0;
    double bound = 0;
    int sub = type == GgmlType.Q4_K ? 32 : 16;
    for (int b = 0; b < n / 256; b++) {
      // the input is rounded per sub-block of the weights: 32 values (Q4_K) or 16 (Q6_K)
      float[] scaleOf = new float[n];
      float[] invOf = new float[n];
      for (int start = 256 * b; start < 256 * (b + 1); start += sub) {
        float amax = 0;
        for (int i = start; i < start + sub; i++) {
          amax = Math.max(amax, Math.abs(x[i]));
        }
        for (int i = start; i < start + sub; i++) {
          scaleOf[i] = amax / 127f;
          invOf[i] = amax == 0 ? 0 : 127f / amax;
        }
      }
      boolean q6 = type == GgmlType.Q6_K;
      boolean tiled = layout(name) == TiledQ4K.LAYOUT;
      long q = tiled ? TiledQ4K.entry(o, n, b) : o + 128L * b;
      long h = q6 ? WordQ6K.header(o, n, b) : tiled ? q + 128 : WordQ4K.header(o, n, b);
      for (int p = 0; p < 256; p++) {
        int i = 256 * b + (q6 ? WordQ6K.ELEMENT : WordQ4K.ELEMENT)[p];
        double rounded = Math.rint(x[i] * invOf[i]) * scaleOf[i];
        int s = (p % 32 / 2) % 8;
        double scaled;
        double min;
        if (type == GgmlType.Q4_K) {
          scaled =
              LittleEndian.f16(w, h) * LittleEndian.u8(w, h + 4 + s) * WordQ4K.quantAt(w, q, p);
          min = LittleEndian.f16(w, h + 2) * LittleEndian.u8(w, h + 12 + s);
        } else {
          double d = LittleEndian.f16(w, h);
          scaled = d * LittleEndian.i8(w, h + 2 + p % 32 / 2) * (WordQ6K.quant(w, o, b, p) - 32);
          min = 0;
        }
        sum += (scaled - min) * rounded;
        magnitude += Math.abs(weights[i] * x[i]);
        bound += Math.abs((scaled - min) * (rounded - x[i]));
      }
    }
    return new double[] {sum, magnitude, bound};
  }
}
