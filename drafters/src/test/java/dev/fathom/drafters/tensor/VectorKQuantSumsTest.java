package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Q4_K dot on per-sub-block input sums against the scalar reference that dequantises. */
class VectorKQuantSumsTest {

  @Test
  void sumsAreTheSumsOfEachRunOf32() {
    float[] x = RandomWeights.floats(3 + 512, new Random(3));
    float[] sums = VectorKQuantSums.Q4_K.sums(x, 3, 512);
    assertEquals(16, sums.length);
    for (int k = 0; k < 16; k++) {
      double expected = 0;
      for (int i = 0; i < 32; i++) {
        expected += x[3 + 32 * k + i];
      }
      assertEquals(expected, sums[k], 1e-5 * (1 + Math.abs(expected)), "sum " + k);
    }
  }

  @Test
  void q4kDotWithSumsEqualsTheScalarDot() {
    TypeKernel scalar = Kernels.of(GgmlType.Q4_K, KernelBackend.SCALAR);
    for (int blocks : new int[] {1, 2, 3, 8}) {
      int n = 256 * blocks;
      Random random = new Random(blocks);
      MemorySegment w = RandomWeights.of(GgmlType.Q4_K, n + 256, random);
      float[] x = RandomWeights.floats(n + 5, random);
      long offset = 144; // the second super-block: offsets must be honoured
      float[] sums = VectorKQuantSums.Q4_K.sums(x, 5, n);
      float actual = VectorKQuantSums.Q4_K.dot(w, offset, x, 5, sums, n);
      float expected = scalar.dot(w, offset, x, 5, n);
      float[] values = new float[n];
      scalar.dequantize(w, offset, values, 0, n);
      double magnitude = 0;
      for (int i = 0; i < n; i++) {
        magnitude += Math.abs(values[i] * x[5 + i]);
      }
      // The min term is now taken as dmin·Σ m·Σx, a different rounding order than Σ (q·d·sc −
      // dmin·m)·x: the same sqrt(n) bound as KernelsTest, on the magnitude of both parts.
      assertEquals(expected, actual, 1e-6 * Math.sqrt(n) * magnitude * 4 + 1e-6, n + " elements");
    }
  }
}
