package dev.fathom.drafters.compute;

import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Parallel;
import dev.fathom.memory.KvCache;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Time of one layer's attention over a batch, the per-(position, head) path ({@link
 * CpuBackend#attentionByHead}) against {@link BlockedAttention}, alternating round by round in one
 * JVM, TinyLlama's shape (32 query heads, 4 key-value heads of 64); not a test. Run as {@code
 * KernelSpeed} is (add {@code memory/target/classes}), with {@code
 * dev.fathom.drafters.compute.AttentionSpeed [threads] [rounds]}.
 */
public final class AttentionSpeed {
  private AttentionSpeed() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    AttentionShape shape = new AttentionShape(32, 4, 64);
    int kvDim = shape.kvHeads() * shape.headSize();
    try (CpuBackend backend = new CpuBackend(KernelBackend.VECTOR, threads);
        Parallel parallel = new Parallel(threads)) {
      for (int[] c :
          new int[][] {
            {0, 128}, {0, 256}, {256, 256}, {100, 2}, {1900, 11}, {128, 1}, {512, 1}, {1900, 1}
          }) {
        int start = c[0];
        int n = c[1];
        // -Dcase=START,N runs that case alone
        String only = System.getProperty("case");
        if (only != null && !only.equals(start + "," + n)) {
          continue;
        }
        Random random = new Random(n + start);
        KvCache cache = new KvCache(1, kvDim, start + n);
        cache.prepareAppend(start + n);
        for (int t = 0; t < start + n; t++) {
          for (int d = 0; d < kvDim; d++) {
            cache.keys(0, t)[cache.offset(t) + d] = (float) random.nextGaussian();
            cache.values(0, t)[cache.offset(t) + d] = (float) random.nextGaussian();
          }
        }
        cache.commit(start + n);
        float[] q = new float[n * shape.queryDim()];
        for (int i = 0; i < q.length; i++) {
          q[i] = (float) random.nextGaussian();
        }
        float[] byHead = new float[q.length];
        float[] blocked = new float[q.length];
        double[][] ms = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
          for (int k0 = 0; k0 < 2; k0++) {
            int k = (round + k0) % 2;
            long t0 = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - t0 < 500_000_000L) {
              if (k == 0) {
                backend.attentionByHead(cache, 0, start, n, shape, q, byHead, null);
              } else {
                BlockedAttention.run(parallel, cache, 0, start, n, shape, q, blocked, null);
              }
              calls++;
            }
            ms[k][round] = (System.nanoTime() - t0) / 1e6 / calls;
          }
        }
        double diff = 0;
        for (int i = 0; i < q.length; i++) {
          diff = Math.max(diff, Math.abs(byHead[i] - blocked[i]));
        }
        for (int k = 0; k < 2; k++) {
          double[] s = ms[k].clone();
          Arrays.sort(s);
          System.out.printf(
              Locale.ROOT,
              "start=%d n=%d threads=%d %-8s median %7.2f ms/layer [%7.2f..%7.2f]%s%n",
              start,
              n,
              threads,
              k == 0 ? "by-head" : "blocked",
              s[rounds / 2],
              s[0],
              s[rounds - 1],
              k == 1 ? String.format(Locale.ROOT, "  max |diff| %.1e", diff) : "");
        }
      }
    }
  }
}
