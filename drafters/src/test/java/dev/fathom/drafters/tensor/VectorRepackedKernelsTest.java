package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The repacked (lane-major) Q4_K and Q6_K layouts of {@link KQuantRepack} against ggml's layout and
 * the scalar reference kernels ({@link ScalarKQuantKernels}).
 */
class VectorRepackedKernelsTest {
  private static final Parallel PARALLEL = new Parallel(3);

  @AfterAll
  static void closePool() {
    PARALLEL.close();
  }

  private static MemorySegment repacked(GgmlType type, MemorySegment src, int rows, int cols) {
    return RepackedRows.of(RepackedRows.kernel(type), type, src, rows, cols, PARALLEL).data();
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void everyElementOfTheRepackedLayoutIsTheReferenceDequantisation(GgmlType type) {
    int rows = 3;
    int cols = 256 * 3;
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, new Random(11));
    VectorRepackedKernels k = RepackedRows.kernel(type);
    MemorySegment w = repacked(type, src, rows, cols);
    assertEquals((long) rows * cols / 256 * k.bytesPerBlock(), w.byteSize());
    TypeKernel scalar = Kernels.of(type, KernelBackend.SCALAR);
    for (int r = 0; r < rows; r++) {
      float[] expected = new float[cols];
      scalar.dequantize(src, r * type.byteSize(cols), expected, 0, cols);
      float[] actual = new float[cols + 2];
      k.dequantize(w, r * (long) cols / 256 * k.bytesPerBlock(), actual, 2, cols);
      // Same operations in the same order on the same stored values: bit for bit.
      assertArrayEquals(expected, Arrays.copyOfRange(actual, 2, cols + 2), type + " row " + r);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void laneOrderDequantisationIsThePermutedReference(GgmlType type) {
    int cols = 256 * 2;
    MemorySegment src = RandomWeights.of(type, cols, new Random(12));
    VectorRepackedKernels k = RepackedRows.kernel(type);
    MemorySegment w = repacked(type, src, 1, cols);
    float[] reference = new float[cols];
    Kernels.of(type, KernelBackend.SCALAR).dequantize(src, 0, reference, 0, cols);
    float[] expected = new float[cols];
    k.permute(reference, 0, expected, 0, cols);
    float[] actual = new float[cols];
    k.laneOrder().dequantize(w, 0, actual, 0, cols);
    for (int i = 0; i < cols; i++) {
      // Q4_K's vector form fuses q·(d·sc) − dmin·m into one rounding; Q6_K's is exact.
      float ulp = type == GgmlType.Q4_K ? Math.ulp(expected[i]) + Math.ulp(1f) * 64 : 0f;
      assertEquals(expected[i], actual[i], ulp, type + " position " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void matrixRowsAndBatchedProductsReadTheCopyAndMatchTheScalarBackend(GgmlType type) {
    int rows = 21;
    int cols = 256 * 3;
    int n = 5;
    Random random = new Random(4);
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, random);
    Matrix vector = Matrices.of(type, src, rows, cols, PARALLEL, KernelBackend.VECTOR);
    Matrix scalar = Matrices.of(type, src, rows, cols, PARALLEL, KernelBackend.SCALAR);
    float[] a = new float[cols];
    float[] b = new float[cols];
    for (int r = 0; r < rows; r++) {
      vector.row(r, a, 0);
      scalar.row(r, b, 0);
      assertArrayEquals(b, a, type + " row " + r);
    }
    float[] x = RandomWeights.floats(n * cols, random);
    float[] out = new float[n * rows];
    float[] ref = new float[n * rows];
    vector.matmul(x, n, out);
    scalar.matmul(x, n, ref);
    for (int j = 0; j < n; j++) {
      for (int r = 0; r < rows; r++) {
        scalar.row(r, b, 0);
        double magnitude = 0;
        for (int i = 0; i < cols; i++) {
          magnitude += Math.abs(b[i] * x[j * cols + i]);
        }
        assertEquals(ref[j * rows + r], out[j * rows + r], 1e-5 * magnitude + 1e-6, "r" + r);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void theLanePermutationVisitsEveryElementOnce(GgmlType type) {
    int[] element = type == GgmlType.Q4_K ? KQuantRepack.Q4_K_ELEMENT : KQuantRepack.Q6_K_ELEMENT;
    boolean[] seen = new boolean[256];
    for (int e : element) {
      assertFalse(seen[e], "element " + e + " twice");
      seen[e] = true;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void repackedDotEqualsTheScalarDot(GgmlType type) {
    TypeKernel scalar = Kernels.of(type, KernelBackend.SCALAR);
    VectorRepackedKernels k = RepackedRows.kernel(type);
    for (int blocks : new int[] {1, 2, 3, 8, 22}) {
      int n = 256 * blocks;
      Random random = new Random(blocks);
      MemorySegment src = RandomWeights.of(type, 2L * n, random);
      MemorySegment w = repacked(type, src, 2, n);
      float[] x = RandomWeights.floats(n + 5, random);
      float[] prep = k.sums(x, 5, n);
      for (int r = 0; r < 2; r++) {
        float expected = scalar.dot(src, r * type.byteSize(n), x, 5, n);
        long o = (long) r * blocks * k.bytesPerBlock();
        float actual = k.dot(w, o, prep, 0, prep, n);
        float[] values = new float[n];
        scalar.dequantize(src, r * type.byteSize(n), values, 0, n);
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
          magnitude += Math.abs(values[i] * x[5 + i]);
        }
        // Another summation order (lanes, and the min or −32 terms through the lane sums).
        assertEquals(expected, actual, 1e-6 * Math.sqrt(n) * magnitude * 4 + 1e-6, n + " r" + r);
        assertEquals(actual, k.dot(w, o, x, 5, n), 0f, "the single dot prepares the same input");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void matvecReadsTheRepackedRowsAndMatchesTheScalarBackend(GgmlType type) {
    int rows = 37;
    int cols = 256 * 4;
    Random random = new Random(3);
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, random);
    Matrix scalar = Matrices.of(type, src, rows, cols, PARALLEL, KernelBackend.SCALAR);
    float[] x = RandomWeights.floats(cols, random);
    float[] out = new float[rows];
    float[] ref = new float[rows];
    VectorRepackedKernels k = RepackedRows.kernel(type);
    MemorySegment w = repacked(type, src, rows, cols);
    // this layout's product (the engine takes WordQ4K and WordQ6K instead on 512-bit vectors)
    long bytes = k.rowBytes(cols);
    k.matvec(w, bytes, rows, cols, x, 0, out, 0, PARALLEL, false);
    scalar.matvec(x, 0, ref, 0);
    float[] prep = k.sums(x, 0, cols);
    long rowBytes = (long) cols / 256 * k.bytesPerBlock();
    float[] row = new float[cols];
    for (int r = 0; r < rows; r++) {
      scalar.row(r, row, 0);
      double magnitude = 0;
      for (int i = 0; i < cols; i++) {
        magnitude += Math.abs(row[i] * x[i]);
      }
      // Q4_K rows run in far pairs (RepackedFarPairs): the one-row kernel's arithmetic, but the
      // final lane sum may be ordered differently when the two run on different JIT tiers
      boolean paired = RepackedRows.TWO_STREAMS && type == GgmlType.Q4_K;
      assertEquals(
          k.dot(w, r * rowBytes, prep, 0, prep, cols),
          out[r],
          paired ? 1e-6 * magnitude + 1e-6 : 0,
          "row " + r);
      assertEquals(ref[r], out[r], 1e-5 * magnitude + 1e-6, "row " + r);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q6_K"})
  void aCorruptedRepackedByteChangesTheDot(GgmlType type) {
    int n = 512;
    MemorySegment src = RandomWeights.of(type, n, new Random(9));
    VectorRepackedKernels k = RepackedRows.kernel(type);
    MemorySegment w = Arena.ofAuto().allocate(2L * k.bytesPerBlock());
    w.copyFrom(repacked(type, src, 1, n));
    float[] x = RandomWeights.floats(n, new Random(10));
    float[] prep = k.sums(x, 0, n);
    float before = k.dot(w, 0, prep, 0, prep, n);
    long last = 2L * k.bytesPerBlock() - 1; // a quant byte of the second super-block
    w.set(
        java.lang.foreign.ValueLayout.JAVA_BYTE,
        last,
        (byte) ~w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, last));
    assertNotEquals(before, k.dot(w, 0, prep, 0, prep, n));
    assertTrue(Float.isFinite(before));
  }
}
