package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The integer dot products: vector against scalar reference, the reference against the float kernel
 * on the quantised activation, and the activation's rounding error.
 */
class Int8DotTest {
  @ParameterizedTest(name = "{0} x {1} blocks")
  @CsvSource({"Q8_0,1", "Q8_0,7", "Q8_0,176"})
  void vectorEqualsScalarAndFloatKernelOnQuantisedActivation(GgmlType type, int blocks) {
    int n = 32 * blocks;
    Random random = new Random(blocks * 17L + type.ordinal());
    MemorySegment w = RandomWeights.of(type, n + 32, random);
    float[] x = RandomWeights.floats(n + 5, random);
    ActivationQ8 q = new ActivationQ8(n);
    q.quantize(x, 5);
    long offset = type.bytesPerBlock(); // the second block: offsets must be honoured

    float scalar = Int8Dot.of(type, KernelBackend.SCALAR).dot(w, offset, q, n);
    float vector = Int8Dot.of(type, KernelBackend.VECTOR).dot(w, offset, q, n);

    float[] xq = new float[n];
    for (int i = 0; i < n; i++) {
      xq[i] = q.value(i);
    }
    float[] values = new float[n];
    TypeKernel floats = Kernels.of(type, KernelBackend.SCALAR);
    floats.dequantize(w, offset, values, 0, n);
    double magnitude = 0;
    for (int i = 0; i < n; i++) {
      magnitude += Math.abs(values[i] * xq[i]);
    }
    // Integer block sums are exact; only the float sums of blocks and lanes round differently
    // (same bound as KernelsTest).
    double tolerance = 1e-6 * Math.sqrt(n) * magnitude + 1e-6;
    assertEquals(scalar, vector, tolerance, type + " vector vs scalar over " + n);
    assertEquals(floats.dot(w, offset, xq, 0, n), scalar, tolerance, type + " vs float kernel");
  }

  @Test
  void quantisationMovesEachElementByAtMostHalfAStepOfItsBlock() {
    Random random = new Random(3);
    float[] x = RandomWeights.floats(96, random);
    x[40] = 0; // a block may hold zeros next to large values
    for (int i = 64; i < 96; i++) {
      x[i] = 0; // an all-zero block has scale 0, not NaN
    }
    ActivationQ8 q = new ActivationQ8(96);
    q.quantize(x, 0);
    for (int b = 0; b < 3; b++) {
      float max = 0;
      for (int i = 0; i < 32; i++) {
        max = Math.max(max, Math.abs(x[32 * b + i]));
      }
      for (int i = 32 * b; i < 32 * b + 32; i++) {
        assertTrue(Math.abs(q.q[i]) <= 127, "q[" + i + "] = " + q.q[i]);
        assertEquals(x[i], q.value(i), max / 254 * 1.0001 + 1e-12, "element " + i);
      }
    }
  }

  @Test
  void matrixProductOnIntegerPathIsCloseToTheFloatPath() {
    int rows = 300;
    int cols = 512;
    for (GgmlType type : new GgmlType[] {GgmlType.Q8_0}) {
      MemorySegment w = RandomWeights.of(type, (long) rows * cols, new Random(9));
      float[] x = RandomWeights.floats(cols, new Random(10));
      float[] plain = new float[rows];
      float[] int8 = new float[rows];
      try (Parallel parallel = new Parallel(2)) {
        Matrices.of(type, w, rows, cols, parallel, KernelBackend.VECTOR, false)
            .matvec(x, 0, plain, 0);
        Matrices.of(type, w, rows, cols, parallel, KernelBackend.VECTOR, true)
            .matvec(x, 0, int8, 0);
      }
      double error = 0;
      double norm = 0;
      for (int r = 0; r < rows; r++) {
        error += (plain[r] - int8[r]) * (double) (plain[r] - int8[r]);
        norm += plain[r] * (double) plain[r];
      }
      // 8-bit activations carry ~0.5 % rounding noise per element (max/254 on uniform values);
      // the relative error of the outputs is of that order, and a layout bug would make it ~1.
      double relative = Math.sqrt(error / norm);
      assertTrue(relative < 0.02, type + " relative error " + relative);
      assertTrue(relative > 0, type + " the integer path was not taken");
    }
  }

  @Test
  void typesWithoutIntegerKernelsGetNone() {
    assertNull(Int8Dot.of(GgmlType.Q4_0, KernelBackend.VECTOR));
    assertNull(Int8Dot.of(GgmlType.Q4_K, KernelBackend.VECTOR));
    assertNull(Int8Dot.of(GgmlType.F16, KernelBackend.SCALAR));
  }

  @Test
  void badPropertyValueIsNamed() {
    String old = System.getProperty(Int8Dot.PROPERTY);
    System.setProperty(Int8Dot.PROPERTY, "yes");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Int8Dot::enabled);
      assertTrue(e.getMessage().contains("int8-dot=yes"), e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(Int8Dot.PROPERTY);
      } else {
        System.setProperty(Int8Dot.PROPERTY, old);
      }
    }
  }
}
