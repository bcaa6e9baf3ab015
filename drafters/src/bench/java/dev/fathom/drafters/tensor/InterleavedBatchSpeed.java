package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Batched products (prefill) of one Q8_0 or Q4_0 matrix in the file's layout and interleaved
 * ({@link InterleavedRows}), alternating in one JVM; not a test. Prints the thread's CPU GFLOP/s
 * per round and the medians. Run as {@link DecodeVariantSpeed} is, with {@code
 * dev.fathom.drafters.tensor.InterleavedBatchSpeed Q8_0|Q4_0 [rows] [cols] [n] [rounds]}.
 */
public final class InterleavedBatchSpeed {
  private InterleavedBatchSpeed() {}

  public static void main(String[] args) {
    GgmlType type = GgmlType.valueOf(args[0]);
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 5632;
    int cols = args.length > 2 ? Integer.parseInt(args[2]) : 2048;
    int n = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    try (Parallel one = new Parallel(1)) {
      var data = RandomWeights.of(type, (long) rows * cols, new Random(1));
      Matrix[] m = new Matrix[2];
      for (int k = 0; k < 2; k++) {
        System.setProperty(InterleavedRows.PROPERTY, k == 0 ? "false" : "true");
        m[k] = Matrices.of(type, data, rows, cols, one, KernelBackend.VECTOR);
      }
      System.clearProperty(InterleavedRows.PROPERTY);
      float[] x = RandomWeights.floats(n * cols, new Random(2));
      float[][] out = {new float[n * rows], new float[n * rows]};
      ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      double[][] gf = new double[2][rounds];
      for (int round = -1; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int j = 0; j < 2; j++) {
          int k = (round + 2 + j) % 2;
          long c0 = bean.getCurrentThreadCpuTime();
          int reps = 3;
          for (int r = 0; r < reps; r++) {
            m[k].matmul(x, n, out[k]);
          }
          double g = 2.0 * reps * rows * cols * n / (bean.getCurrentThreadCpuTime() - c0);
          if (round >= 0) {
            gf[k][round] = g;
          }
          sb.append(String.format(Locale.ROOT, " %s %.1f", k == 0 ? "file" : "interleaved", g));
        }
        System.out.println(sb);
      }
      float diff = 0;
      float max = 0;
      for (int i = 0; i < out[0].length; i++) {
        diff = Math.max(diff, Math.abs(out[0][i] - out[1][i]));
        max = Math.max(max, Math.abs(out[0][i]));
      }
      Arrays.sort(gf[0]);
      Arrays.sort(gf[1]);
      System.out.printf(
          Locale.ROOT,
          "MEDIAN %s %dx%d n=%d GFLOP/s: file %.1f, interleaved %.1f (max diff %.1e of max)%n",
          type,
          rows,
          cols,
          n,
          gf[0][rounds / 2],
          gf[1][rounds / 2],
          diff / max);
    }
  }
}
