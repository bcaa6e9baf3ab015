package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorKQuantKernels.byteAt;
import static dev.fathom.drafters.tensor.VectorKQuantKernels.mins8;
import static dev.fathom.drafters.tensor.VectorKQuantKernels.scales8;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A/B of the Q4_K matvec: the earlier per-weight dequantising kernel (copied here) against the
 * current one with per-sub-block input sums, alternating in one JVM, one thread, a 512 × 2048
 * matrix in cache; CPU time per weight. With the argument {@code q6}, the same for Q6_K's kernel
 * before and after its high-bit unpacking change. Not a test; run as {@link TypeSpeed} is.
 */
public final class KQuantSpeed {
  public static void main(String[] a) {
    int rows = 512, cols = 2048;
    if (a.length > 0 && a[0].equals("q6")) {
      q6(rows, cols);
      return;
    }
    GgmlType type = GgmlType.Q4_K;
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, new Random(1));
    MemorySegment w = Arena.ofAuto().allocate(src.byteSize(), 64);
    w.copyFrom(src);
    long rowBytes = type.byteSize(cols);
    float[] x = RandomWeights.floats(cols, new Random(2));
    float[] out = new float[rows];
    var bean =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    SubBlockSumDot k = VectorKQuantSums.Q4_K;
    for (int round = 0; round < 8; round++) {
      double[] ns = new double[2];
      for (int v = 0; v < ns.length; v++) {
        long c0 = bean.getProcessCpuTime();
        int calls = 10000;
        for (int c = 0; c < calls; c++) {
          if (v == 0) {
            for (int r = 0; r < rows; r++) out[r] = oldQ4K(w, r * rowBytes, x, 0, cols);
          } else {
            float[] sums = k.sums(x, 0, cols);
            for (int r = 0; r < rows; r++) out[r] = k.dot(w, r * rowBytes, x, 0, sums, cols);
          }
        }
        ns[v] = (bean.getProcessCpuTime() - c0) / (double) calls / rows / cols;
      }
      System.out.printf(
          "round %d: Q4_K old %.4f, new %.4f ns/weight; old/new %.2f%n",
          round, ns[0], ns[1], ns[0] / ns[1]);
    }
  }

  /** Q6_K A/B: the kernel before (copied, {@link #oldQ6K}) against the current one. */
  static void q6(int rows, int cols) {
    GgmlType type = GgmlType.Q6_K;
    MemorySegment src = RandomWeights.of(type, (long) rows * cols, new Random(1));
    MemorySegment w = Arena.ofAuto().allocate(src.byteSize(), 64);
    w.copyFrom(src);
    long rowBytes = type.byteSize(cols);
    float[] x = RandomWeights.floats(cols, new Random(2));
    float[] out = new float[rows];
    var bean =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    TypeKernel k = VectorKQuantKernels.Q6_K;
    for (int round = 0; round < 8; round++) {
      double[] ns = new double[2];
      for (int v = 0; v < 2; v++) {
        long c0 = bean.getProcessCpuTime();
        int calls = 10000;
        for (int c = 0; c < calls; c++) {
          if (v == 0) {
            for (int r = 0; r < rows; r++) out[r] = oldQ6K(w, r * rowBytes, x, 0, cols);
          } else {
            for (int r = 0; r < rows; r++) out[r] = k.dot(w, r * rowBytes, x, 0, cols);
          }
        }
        ns[v] = (bean.getProcessCpuTime() - c0) / (double) calls / rows / cols;
      }
      System.out.printf(
          "round %d: Q6_K old %.4f, new %.4f ns/weight; old/new %.2f%n",
          round, ns[0], ns[1], ns[0] / ns[1]);
    }
  }

  static float oldQ6K(MemorySegment w, long o, float[] x, int xOff, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    for (int b = 0; b < n / 256; b++) {
      long p = o + 210L * b;
      float d = f16(w, p + 208);
      for (int half = 0; half < 2; half++) {
        long ql = p + 64 * half;
        long qh = p + 128 + 32 * half;
        long sc = p + 192 + 8 * half;
        int xh = xOff + 256 * b + 128 * half;
        FloatVector t0 = FloatVector.zero(F);
        FloatVector t1 = t0;
        for (int c = 0; c < 32; c += L) {
          IntVector lo = ints(w, ql + c);
          IntVector hi = ints(w, ql + 32 + c);
          IntVector h = ints(w, qh + c);
          int s = c / 16;
          for (int nib = 0; nib < 2; nib++) {
            int k = 2 * nib;
            t0 =
                q6w(lo, h, 4 * nib, 2 * k, d * LittleEndian.i8(w, sc + s + 2 * k))
                    .fma(FloatVector.fromArray(F, x, xh + 32 * k + c), t0);
            t1 =
                q6w(hi, h, 4 * nib, 2 * k + 2, d * LittleEndian.i8(w, sc + s + 2 * k + 2))
                    .fma(FloatVector.fromArray(F, x, xh + 32 * k + 32 + c), t1);
          }
        }
        a0 = a0.add(t0);
        a1 = a1.add(t1);
      }
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  /**
   * (q - 32) · scale for the six-bit quant as it was unpacked before the one-shift high-bit
   * unpacking.
   */
  private static FloatVector q6w(IntVector ql, IntVector qh, int ns, int hs, float scale) {
    IntVector q =
        ql.lanewise(VectorOperators.LSHR, ns)
            .and(0x0F)
            .or(qh.lanewise(VectorOperators.LSHR, hs).and(3).lanewise(VectorOperators.LSHL, 4));
    return floats(q).fma(scale, -32f * scale);
  }

  /** The Q4_K dot before the sub-block sums (commit 9662c9f). */
  static float oldQ4K(MemorySegment w, long o, float[] x, int xOff, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    for (int b = 0; b < n / 256; b++) {
      long p = o + 144L * b;
      float d = f16(w, p);
      float dmin = -f16(w, p + 2);
      int u0 = w.get(LittleEndian.INT, p + 4);
      int u1 = w.get(LittleEndian.INT, p + 8);
      int u2 = w.get(LittleEndian.INT, p + 12);
      long sc = scales8(u0, u2);
      long mn = mins8(u1, u2);
      for (int j = 0; j < 4; j++) {
        float d1 = d * byteAt(sc, 2 * j);
        float m1 = dmin * byteAt(mn, 2 * j);
        float d2 = d * byteAt(sc, 2 * j + 1);
        float m2 = dmin * byteAt(mn, 2 * j + 1);
        int xj = xOff + 256 * b + 64 * j;
        FloatVector t0 = FloatVector.zero(F);
        FloatVector t1 = t0;
        for (int c = 0; c < 32; c += L) {
          IntVector q = ints(w, p + 16 + 32 * j + c);
          t0 = floats(q.and(0x0F)).fma(d1, m1).fma(FloatVector.fromArray(F, x, xj + c), t0);
          t1 =
              floats(q.lanewise(VectorOperators.LSHR, 4).and(0x0F))
                  .fma(d2, m2)
                  .fma(FloatVector.fromArray(F, x, xj + 32 + c), t1);
        }
        a0 = a0.add(t0);
        a1 = a1.add(t1);
      }
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }
}
