package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * A/B of the Q4_K and Q6_K matrix–vector products: the file's layout against the repacked one
 * ({@link RepackedRows}), alternating in one JVM, one thread, a 512 × 2048 matrix in cache; CPU
 * time per weight (per weight and position for a batch). Not a test; run as {@link KernelSpeed} is,
 * with {@code dev.fathom.drafters.tensor.RepackSpeed [rows cols [positions]]}.
 */
public final class RepackSpeed {
  public static void main(String[] a) {
    int rows = a.length > 1 ? Integer.parseInt(a[0]) : 512;
    int cols = a.length > 1 ? Integer.parseInt(a[1]) : 2048;
    int n = a.length > 2 ? Integer.parseInt(a[2]) : 1; // > 1: batched products of n positions
    GgmlType[] types = {GgmlType.Q4_K, GgmlType.Q6_K};
    try (Parallel p = new Parallel(1)) {
      Matrix[][] ms = new Matrix[types.length][2];
      for (int i = 0; i < types.length; i++) {
        MemorySegment src = RandomWeights.of(types[i], (long) rows * cols, new Random(1));
        MemorySegment seg = Arena.ofAuto().allocate(src.byteSize(), 64);
        seg.copyFrom(src);
        for (int v = 0; v < 2; v++) {
          System.setProperty(RepackedRows.PROPERTY, v == 0 ? "false" : "true");
          ms[i][v] = Matrices.of(types[i], seg, rows, cols, p, KernelBackend.VECTOR);
        }
      }
      float[] x = RandomWeights.floats(n * cols, new Random(2));
      float[] out = new float[n * rows];
      var bean =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      int calls = (int) Math.max(20, 4000L * 512 * 2048 / ((long) rows * cols * n));
      for (int round = 0; round < 8; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int i = 0; i < types.length; i++) {
          double[] ns = new double[2];
          for (int v = 0; v < 2; v++) {
            long c0 = bean.getProcessCpuTime();
            for (int k = 0; k < calls; k++) ms[i][v].matmul(x, n, out);
            ns[v] = (bean.getProcessCpuTime() - c0) / (double) calls / rows / cols / n;
          }
          sb.append(
              String.format(
                  "  %s file %.4f repacked %.4f ns/weight (%.2fx)",
                  types[i], ns[0], ns[1], ns[0] / ns[1]));
        }
        System.out.println(sb);
      }
    }
  }
}
