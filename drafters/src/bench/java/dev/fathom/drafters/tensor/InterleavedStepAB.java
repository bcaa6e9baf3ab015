package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A decode step's matrix-vector products over a real Q8_0 or Q4_0 file (every weight matrix, in
 * decode order, interleaved as the engine loads them, streamed from memory), the engine's loops
 * ({@code engine}) against the int-counter loops they replaced ({@code intloop}) or, with {@code
 * -Dpairs=true}, two row groups per loop ({@code pairs}, {@link InterleavedPairs}), alternating
 * round by round in one JVM; not a test. {@code -Dthreads=N} splits each product over N threads as
 * the engine does. The experimental loop forms read rows stored whole: run them with {@code
 * -Dfathom.engine.chunk-columns=0}, or the wide matrices' outputs differ. Prints wall and
 * calling-thread CPU milliseconds per step and the medians. Class
 * path as for {@link DecodeBreakdown}: {@code dev.fathom.drafters.tensor.InterleavedStepAB
 * model.gguf [rounds]}.
 */
public final class InterleavedStepAB {
  private InterleavedStepAB() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int threads = Integer.getInteger("threads", 1);
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    try (GgufFile file = GgufFile.open(path);
        Parallel pool = new Parallel(threads)) {
      if (Boolean.getBoolean("warm")) {
        warm(pool);
      }
      List<InterleavedRows> ms = new ArrayList<>();
      java.util.Map<InterleavedRows, Boolean> q8 = new java.util.IdentityHashMap<>();
      List<String> names = new ArrayList<>();
      for (int l = 0; file.hasTensor("blk." + l + ".attn_q.weight"); l++) {
        for (String n :
            new String[] {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up"}) {
          names.add("blk." + l + "." + n + ".weight");
        }
        names.add("blk." + l + ".ffn_down.weight");
      }
      names.add(file.hasTensor("output.weight") ? "output.weight" : "token_embd.weight");
      // -Donly=NAME keeps the matrices whose name contains NAME (attn_q, ffn_down, output, ...)
      String only = System.getProperty("only", "");
      names.removeIf(n -> !n.contains(only));
      int maxCols = 0;
      int maxRows = 0;
      for (String n : names) {
        GgufTensorInfo t = file.tensor(n);
        InterleavedRows c =
            InterleavedRows.of(
                t.type(), source(file.data(t)), (int) t.rows(), (int) t.columns(), pool);
        if (c == null) {
          throw new IllegalArgumentException(n + " is " + t.type() + ": not interleaved");
        }
        ms.add(c);
        q8.put(c, t.type() == dev.fathom.drafters.gguf.GgmlType.Q8_0);
        maxCols = Math.max(maxCols, (int) t.columns());
        maxRows = Math.max(maxRows, (int) t.rows());
      }
      float[] x = RandomWeights.floats(maxCols, new Random(2));
      float[][] out = new float[2][maxRows];
      String[] variants = {"engine", ONE ? "one" : PAIRS ? "pairs" : "intloop"};
      double[][] cpu = new double[2][rounds];
      double[][] wall = new double[2][rounds];
      for (int r = 0; r < rounds; r++) {
        StringBuilder sb = new StringBuilder("round " + r + ":");
        for (int step = 0; step < 2; step++) {
          int v = r % 2 == 0 ? step : 1 - step;
          int reps = 6;
          long c0 = bean.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          for (int k = 0; k < reps; k++) {
            for (InterleavedRows m : ms) {
              int groups = m.data().byteSize() > 0 ? rowsOf(m) / 4 : 0;
              float[] o = out[v];
              pool.forRange(
                  0,
                  groups,
                  (from, to) -> {
                    if (v == 0 && ONE && !q8.get(m)) {
                      InterleavedQ4Pairs.groups(Q4, m, from, to, x, o);
                    } else if (v == 0 && ONE) {
                      m.groups(m.data(), from, to, x, 0, o, 0, true);
                    } else if (v == 0) {
                      m.groups(m.data(), from, to, x, 0, o, 0);
                    } else if (ONE && q8.get(m)) {
                      // the one-stream loop the two-stream pairing replaced
                      long size = m.rowBytes() * 4;
                      for (int g = from; g < to; g++) {
                        InterleavedGroups.q8(m.data(), g * size, size, x, 0, o, 4 * g);
                      }
                    } else if (ONE) {
                      // Q4_0 one group at a time (the engine's loop)
                      m.groups(m.data(), from, to, x, 0, o, 0, false);
                    } else if (PAIRS) {
                      InterleavedPairs.groups(m, q8.get(m), from, to, x, o);
                    } else {
                      // the loops before the long induction variable
                      InterleavedIntLoops.intLoops(
                          m.data(), q8.get(m), from, to, blocksOf(m, q8.get(m)), x, o);
                    }
                  });
            }
          }
          wall[v][r] = (System.nanoTime() - t0) / 1e6 / reps;
          cpu[v][r] = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
        }
        for (int v = 0; v < 2; v++) {
          sb.append(
              String.format(
                  Locale.ROOT, "  %s %.1f (cpu %.1f)", variants[v], wall[v][r], cpu[v][r]));
        }
        System.out.println(sb);
      }
      System.out.printf(
          Locale.ROOT,
          "medians: engine %.1f (cpu %.1f)  other %.1f (cpu %.1f)  engine/other wall %.3f cpu"
              + " %.3f  outputs equal: %b%n",
          median(wall[0]),
          median(cpu[0]),
          median(wall[1]),
          median(cpu[1]),
          median(wall[0]) / median(wall[1]),
          median(cpu[0]) / median(cpu[1]),
          Arrays.equals(out[0], out[1]));
    }
  }

  private static final boolean PAIRS = Boolean.getBoolean("pairs");

  /**
   * {@code -Done=true}: paired Q8_0 or Q4_0 groups (two streams) against the one-group-at-a-time
   * loop; run with {@code -Dfathom.engine.two-streams=true} so that the load stages mapped tensors
   * as the engine then does.
   */
  private static final boolean ONE = Boolean.getBoolean("one");

  /**
   * {@code -Dq4=FORM} (with {@code -Done=true}, Q4_0 files): the loop form the one-group loop is
   * compared with, {@code slice} (default), {@code long}, {@code whole}, {@code wholelong} or
   * {@code one} ({@link InterleavedQ4Pairs#groups}).
   */
  private static final String Q4 = System.getProperty("q4", "slice");

  /**
   * {@code -Dwarm=true}: both loops first run on an in-cache 256 x 2048 synthetic matrix, as in
   * {@link InterleavedAB}, so that C2 compiles them from that history.
   */
  private static void warm(Parallel pool) {
    java.lang.foreign.MemorySegment data =
        RandomWeights.of(dev.fathom.drafters.gguf.GgmlType.Q8_0, 256L * 2048, new Random(1));
    InterleavedRows m =
        InterleavedRows.of(dev.fathom.drafters.gguf.GgmlType.Q8_0, data, 256, 2048, pool);
    float[] x = RandomWeights.floats(2048, new Random(2));
    float[] out = new float[256];
    for (int k = 0; k < 3000; k++) {
      m.groups(m.data(), 0, 64, x, 0, out, 0);
      InterleavedPairs.groups(m, true, 0, 64, x, out);
    }
  }

  /**
   * {@code -Dnative=true}: the tensor copied to native memory first, so that the load's Vector API
   * calls see the same segment class as the products' (a profile-pollution test).
   */
  private static java.lang.foreign.MemorySegment source(java.lang.foreign.MemorySegment mapped) {
    if (!Boolean.getBoolean("native")) {
      return mapped;
    }
    return java.lang.foreign.Arena.ofAuto().allocate(mapped.byteSize(), 64).copyFrom(mapped);
  }

  private static int blocksOf(InterleavedRows m, boolean q8) {
    return (int) (m.rowBytes() * 4 / (q8 ? 144 : 80));
  }

  private static int rowsOf(InterleavedRows m) {
    return (int) (m.data().byteSize() / (m.rowBytes() * 4)) * 4;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
