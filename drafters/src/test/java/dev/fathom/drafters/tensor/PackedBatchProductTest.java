package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PackedBatchProductTest {
  private final BatchProduct packed = new PackedBatchProduct();
  private final BatchProduct reference = new ScalarBatchProduct();

  /**
   * Batches of one group, of whole groups and with a padded last group (and one below a group,
   * which goes to the dot-product kernel), rows that leave a partial 8-row sub-panel and a partial
   * 16-row panel, columns over two cache blocks and a partial third: every output equals the
   * reference product within float rounding, and no output outside the asked rows is written.
   */
  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
  void equalsTheReferenceProduct(GgmlType type) {
    int cols =
        type.blockSize() == 1
            ? 2 * PackedBatchProduct.KC + 77
            : type.blockSize() == 32 ? 32 * 37 : 256 * 5;
    int w = PackedBatchProduct.W;
    for (int rows : new int[] {5, 16, 37}) {
      for (int n : new int[] {w - 1, w, 2 * w, 2 * w + 13}) {
        Random random = new Random(rows * 1000L + n);
        MemorySegment data = RandomWeights.of(type, (long) rows * cols, random);
        TypeKernel kernel = Kernels.of(type, KernelBackend.VECTOR);
        long rowBytes = type.byteSize(cols);
        float[] x = RandomWeights.floats(n * cols, random);
        float[] expected = new float[n * rows];
        reference.multiply(
            Kernels.of(type, KernelBackend.SCALAR),
            data,
            rowBytes,
            rows,
            cols,
            0,
            rows,
            x,
            n,
            expected);
        // Rows [1, rows - 1) only: the first and last rows must stay untouched.
        float[] out = new float[n * rows];
        java.util.Arrays.fill(out, Float.NaN);
        packed.multiply(kernel, data, rowBytes, rows, cols, 1, rows - 1, x, n, out);
        for (int j = 0; j < n; j++) {
          for (int r = 0; r < rows; r++) {
            String where = type + " " + rows + "x" + cols + " n=" + n + " j=" + j + " r=" + r;
            float got = out[j * rows + r];
            if (r == 0 || r == rows - 1) {
              assertTrue(Float.isNaN(got), where + " was written");
            } else {
              float want = expected[j * rows + r];
              float bound = 1e-5f * magnitude(type, data, rowBytes, r, x, j, cols) + 1e-6f;
              assertEquals(want, got, bound, where);
            }
          }
        }
      }
    }
  }

  @Test
  void packLaysPositionsOutInGroupsWithZeroPadding() {
    int w = PackedBatchProduct.W;
    int cols = 3;
    int n = w + 2;
    float[] x = new float[n * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    float[] p = new float[2 * w * cols];
    PackedBatchProduct.pack(x, n, cols, p, 2);
    assertEquals(x[5 * cols + 2], p[2 * w + 5]); // group 0, column 2, position 5
    assertEquals(x[(w + 1) * cols + 1], p[(cols + 1) * w + 1]); // group 1, column 1, position w+1
    assertEquals(0f, p[(cols + 2) * w + 2]); // group 1, position w+2 is past n
  }

  @Test
  void propertyValueMustBeABoolean() {
    String old = System.getProperty(PackedBatchProduct.PROPERTY);
    System.setProperty(PackedBatchProduct.PROPERTY, "yes");
    try {
      var e = assertThrows(IllegalArgumentException.class, PackedBatchProduct::enabled);
      assertTrue(e.getMessage().contains("must be true or false"), e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(PackedBatchProduct.PROPERTY);
      } else {
        System.setProperty(PackedBatchProduct.PROPERTY, old);
      }
    }
  }

  /** Σ|w·x| of row r and input j: the scale of a dot product's rounding error. */
  private static float magnitude(
      GgmlType type, MemorySegment data, long rowBytes, int r, float[] x, int j, int cols) {
    float[] row = new float[cols];
    Kernels.of(type, KernelBackend.SCALAR).dequantize(data, r * rowBytes, row, 0, cols);
    float s = 0f;
    for (int k = 0; k < cols; k++) {
      s += Math.abs(row[k] * x[j * cols + k]);
    }
    return s;
  }
}
