package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector {@link FloatOps} against the scalar ones, over awkward sizes. */
class FloatOpsTest {
  private static final int[] SIZES = {1, 13, 207, 702, 4098};
  private static final FloatOps SCALAR = new ScalarFloatOps();
  private static final FloatOps VECTOR = new VectorFloatOps();

  // Sums run in another order (lanes, two accumulators): allow float rounding growing like
  // sqrt(n) relative to the sum of absolute terms. Element-wise ops differ at most in the last
  // bits (fused multiply-add, and the Vector API's exp within 1 ulp of Math.exp).
  private static float sumTolerance(float[] a, float[] b, int n) {
    float abs = 0f;
    for (int i = 0; i < n; i++) {
      abs += Math.abs(a[i] * b[i]);
    }
    return (float) (1e-6 * Math.sqrt(n) * abs + 1e-7);
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6f * Math.abs(expected[i]) + 1e-7f, what + " " + i);
    }
  }

  @Test
  void reductionsAgree() {
    for (int n : SIZES) {
      Random r = new Random(n);
      float[] a = RandomWeights.floats(n + 1, r);
      float[] b = RandomWeights.floats(n + 2, r);
      assertEquals(SCALAR.dot(a, 1, b, 2, n), VECTOR.dot(a, 1, b, 2, n), sumTolerance(a, b, n + 1));
      assertEquals(
          SCALAR.sumOfSquares(a, 1, n), VECTOR.sumOfSquares(a, 1, n), sumTolerance(a, a, n + 1));
      assertEquals(SCALAR.max(a, 1, n), VECTOR.max(a, 1, n), 0f);
    }
  }

  @Test
  void elementwiseOperationsAgree() {
    for (int n : SIZES) {
      Random r = new Random(n);
      float[] x = RandomWeights.floats(n + 3, r);
      float[] y = RandomWeights.floats(n + 3, r);
      float[] w = RandomWeights.floats(n, r);

      float[] ys = y.clone();
      float[] yv = y.clone();
      SCALAR.axpy(0.7f, x, 3, ys, 1, n);
      VECTOR.axpy(0.7f, x, 3, yv, 1, n);
      assertClose(ys, yv, "axpy");

      ys = y.clone();
      yv = y.clone();
      SCALAR.add(ys, 2, x, 1, n);
      VECTOR.add(yv, 2, x, 1, n);
      assertClose(ys, yv, "add");

      ys = y.clone();
      yv = y.clone();
      SCALAR.scale(ys, 3, n, -1.5f);
      VECTOR.scale(yv, 3, n, -1.5f);
      assertClose(ys, yv, "scale");

      float[] os = new float[n + 1];
      float[] ov = new float[n + 1];
      SCALAR.mul(x, 2, w, 0, 0.3f, os, 1, n);
      VECTOR.mul(x, 2, w, 0, 0.3f, ov, 1, n);
      assertClose(os, ov, "mul");

      float[] gs = x.clone();
      float[] gv = x.clone();
      SCALAR.siluMul(gs, y, 1, n);
      VECTOR.siluMul(gv, y, 1, n);
      assertClose(gs, gv, "siluMul");

      float[] es = x.clone();
      float[] ev = x.clone();
      float sumS = SCALAR.expShiftSum(es, 2, n, 0.5f);
      float sumV = VECTOR.expShiftSum(ev, 2, n, 0.5f);
      assertClose(es, ev, "exp");
      assertEquals(sumS, sumV, 1e-6f * (float) Math.sqrt(n) * sumS);
    }
  }
}
