package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector kernel against its scalar reference, over awkward sizes: element counts for the
 * float types, block counts for the block types.
 */
class KernelsTest {
  private static final int[] COUNTS = {1, 13, 207, 702, 4098};

  static Stream<Arguments> typesAndCounts() {
    return Arrays.stream(GgmlType.values())
        .filter(GgmlType::computable)
        .flatMap(t -> Arrays.stream(COUNTS).mapToObj(c -> Arguments.of(t, c)));
  }

  @ParameterizedTest(name = "{0} x {1}")
  @MethodSource("typesAndCounts")
  void vectorDotEqualsScalarDot(GgmlType type, int count) {
    int n = count * type.blockSize();
    Random random = new Random(count * 31L + type.ordinal());
    MemorySegment w = RandomWeights.of(type, n + type.blockSize(), random);
    float[] x = RandomWeights.floats(n + 3, random);
    long offset = type.bytesPerBlock(); // start at the second block: offsets must be honoured
    TypeKernel scalar = Kernels.of(type, KernelBackend.SCALAR);
    TypeKernel vector = Kernels.of(type, KernelBackend.VECTOR);

    float expected = scalar.dot(w, offset, x, 3, n);
    float actual = vector.dot(w, offset, x, 3, n);

    float[] values = new float[n];
    scalar.dequantize(w, offset, values, 0, n);
    double magnitude = 0;
    for (int i = 0; i < n; i++) {
      magnitude += Math.abs(values[i] * x[3 + i]);
    }
    // The kernels sum in different orders (lanes, blocks, accumulators), and a float sum's
    // rounding error grows like sqrt(n) · ulp · Σ|terms| as a random walk: 1e-6 · sqrt(n) is
    // about 16 times that, far below the error a wrong element or layout would cause.
    double tolerance = 1e-6 * Math.sqrt(n) * magnitude + 1e-6;
    assertEquals(expected, actual, tolerance, type + " dot over " + n + " elements");
  }

  @ParameterizedTest(name = "{0} x {1}")
  @MethodSource("typesAndCounts")
  void dotOfTwoRowsIsDotOfEachRow(GgmlType type, int count) {
    int n = count * type.blockSize();
    long rowBytes = type.byteSize(n);
    Random random = new Random(count * 17L + type.ordinal());
    MemorySegment w = RandomWeights.of(type, 2L * n + type.blockSize(), random);
    float[] x = RandomWeights.floats(n + 3, random);
    long offset = type.bytesPerBlock();
    for (KernelBackend backend : KernelBackend.values()) {
      TypeKernel kernel = Kernels.of(type, backend);
      float[] out = {7f, 7f, 7f, 7f};
      kernel.dot2(w, offset, rowBytes, x, 3, n, out, 1);
      // Each row's arithmetic is dot()'s, but C2's lane reduction need not add in the
      // interpreter's order, so allow the last bits.
      for (int row = 0; row < 2; row++) {
        float[] values = new float[n];
        kernel.dequantize(w, offset + row * rowBytes, values, 0, n);
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
          magnitude += Math.abs(values[i] * x[3 + i]);
        }
        assertEquals(
            kernel.dot(w, offset + row * rowBytes, x, 3, n),
            out[1 + row],
            1e-6 * magnitude,
            type + " row " + row + ", " + backend);
      }
      assertEquals(7f, out[0]);
      assertEquals(7f, out[3]);
    }
  }

  @ParameterizedTest(name = "{0} x {1}")
  @MethodSource("typesAndCounts")
  void vectorDequantisationEqualsScalar(GgmlType type, int count) {
    int n = count * type.blockSize();
    Random random = new Random(count * 17L + type.ordinal());
    MemorySegment w = RandomWeights.of(type, n, random);
    float[] expected = new float[n + 2];
    float[] actual = new float[n + 2];
    Kernels.of(type, KernelBackend.SCALAR).dequantize(w, 0, expected, 2, n);
    Kernels.of(type, KernelBackend.VECTOR).dequantize(w, 0, actual, 2, n);
    for (int i = 0; i < n + 2; i++) {
      // K-quant weights are q·d·scale − dmin·min: one fused multiply-add in the vector kernels,
      // a multiply then a subtract in the reference, so the two may differ in the last bit.
      float tolerance = 1e-6f * Math.abs(expected[i]) + 1e-6f;
      assertEquals(expected[i], actual[i], tolerance, type + " element " + i);
    }
  }

  @Test
  void everyComputableTypeHasKernelsOnBothBackends() {
    for (GgmlType type : GgmlType.values()) {
      if (type.computable()) {
        assertTrue(Kernels.of(type, KernelBackend.SCALAR) != null);
        assertTrue(Kernels.of(type, KernelBackend.VECTOR) != null);
      }
    }
  }

  @Test
  void unsupportedTypesAreNamed() {
    var e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Kernels.of(GgmlType.Q3_K, KernelBackend.VECTOR));
    assertTrue(e.getMessage().contains("Q3_K"), e.getMessage());
  }
}
