package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One-thread matrix-vector products over {@link InterleavedRows} cells: the engine's loop ({@code
 * base}) against the loops of {@link InterleavedVariants}, alternating in one JVM, in cache (one
 * 256 × 2048 matrix) and streamed (copies of a 2048 × 5632 matrix, 160 MB in all, beyond L3); not a
 * test. Prints the thread's CPU nanoseconds per weight per round, the medians, the ratio {@code
 * base / variant} (above 1: the variant is faster) and each variant's largest difference from
 * {@code base} relative to the largest output. The variants read rows stored whole: for matrices
 * wider than 3,072 columns (the default streamed shape) run with {@code
 * -Dfathom.engine.chunk-columns=0}, so that the engine's loop reads whole rows too. Run after {@code mvn -pl drafters -am test-compile -Pkernel-bench},
 * class path as for {@link DecodeBreakdown}: {@code dev.fathom.drafters.tensor.InterleavedAB q8
 * [rounds] [variants]}.
 */
public final class InterleavedAB {
  private InterleavedAB() {}

  interface Loop {
    void run(int copy, float[] out);
  }

  public static void main(String[] args) {
    GgmlType type = args[0].equals("q8") ? GgmlType.Q8_0 : GgmlType.Q4_0;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<String> names =
        new ArrayList<>(
            Arrays.asList((args.length > 2 ? args[2] : "base,unroll2,shift,magic").split(",")));
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    try (Parallel one = new Parallel(1)) {
      for (String where : new String[] {"cache", "stream"}) {
        // -Dstream=ROWSxCOLS changes the streamed shape (default ffn_down's 2048 x 5632)
        String[] shape = System.getProperty("stream", "2048x5632").split("x");
        // -Dcache=ROWSxCOLS changes the in-cache shape (default 256 x 2048, 1.3 MB of Q4_0 cells)
        String[] small = System.getProperty("cache", "256x2048").split("x");
        int rows = Integer.parseInt(where.equals("cache") ? small[0] : shape[0]);
        int cols = Integer.parseInt(where.equals("cache") ? small[1] : shape[1]);
        MemorySegment heap = RandomWeights.of(type, (long) rows * cols, new Random(1));
        MemorySegment src = Arena.ofAuto().allocate(heap.byteSize(), 64).copyFrom(heap);
        int copies = where.equals("cache") ? 1 : (int) (160L << 20) / (int) src.byteSize() + 1;
        List<InterleavedRows> cells = new ArrayList<>();
        List<MemorySegment> shifted = new ArrayList<>();
        List<MemorySegment> magic = new ArrayList<>();
        List<MemorySegment> halves = new ArrayList<>();
        long count = (long) rows / 4 * cols / 32;
        for (int i = 0; i < copies; i++) {
          InterleavedRows c = InterleavedRows.of(type, src, rows, cols, one);
          cells.add(c);
          if (type == GgmlType.Q4_0 && names.contains("half")) {
            halves.add(InterleavedQ4Half.halve(c));
          }
          if (type == GgmlType.Q8_0) {
            shifted.add(InterleavedVariants.transposed(c.data(), count, false));
            magic.add(InterleavedVariants.transposed(c.data(), count, true));
          }
        }
        float[] x = RandomWeights.floats(cols, new Random(2));
        int groups = rows / 4;
        int blocks = cols / 32;
        List<Loop> loops = new ArrayList<>();
        for (String n : names) {
          loops.add(
              switch (n) {
                case "base" ->
                    (k, out) -> cells.get(k).groups(cells.get(k).data(), 0, groups, x, 0, out, 0);
                case "alt" ->
                    (k, out) -> {
                      InterleavedRows m = cells.get(k);
                      int h = groups / 2;
                      for (int g = 0; g < h; g++) {
                        m.groups(m.data(), g, g + 1, x, 0, out, 0);
                        m.groups(m.data(), g + h, g + h + 1, x, 0, out, 0);
                      }
                    };
                case "pairs" ->
                    (k, out) ->
                        InterleavedPairs.groups(
                            cells.get(k), type == GgmlType.Q8_0, 0, groups, x, out);
                // two streams: the engine's Q8_0 pairs, or a Q4_0 form of InterleavedQ4Pairs
                // (-Dq4=slice|long|whole|wholelong|one)
                case "paired" ->
                    type == GgmlType.Q8_0
                        ? (k, out) ->
                            cells.get(k).groups(cells.get(k).data(), 0, groups, x, 0, out, 0, true)
                        : (k, out) ->
                            InterleavedQ4Pairs.groups(
                                System.getProperty("q4", "slice"), cells.get(k), 0, groups, x, out);
                case "q4bits", "orand", "denorm" ->
                    (k, out) ->
                        InterleavedQ4Bits.groups(
                            n.equals("q4bits") ? "bits" : n, cells.get(k), 0, groups, x, out);
                case "notable", "nolook", "vscale", "q4u2", "smallx" ->
                    (k, out) -> InterleavedQ4Ablations.groups(n, cells.get(k), 0, groups, x, out);
                case "half" ->
                    (k, out) ->
                        InterleavedQ4Half.groups(halves.get(k), blocks, 0, groups, x, out);
                case "q4split" ->
                    (k, out) -> InterleavedQ4Split.groups(cells.get(k), 0, groups, x, out);
                case "unroll2" ->
                    (k, out) ->
                        InterleavedVariants.q8Unroll2(cells.get(k).data(), groups, blocks, x, out);
                case "shift" ->
                    (k, out) -> InterleavedVariants.q8Shift(shifted.get(k), groups, blocks, x, out);
                case "magic" ->
                    (k, out) -> InterleavedVariants.q8Magic(magic.get(k), groups, blocks, x, out);
                case "intloop" ->
                    (k, out) ->
                        InterleavedIntLoops.intLoops(
                            cells.get(k).data(), type == GgmlType.Q8_0, 0, groups, blocks, x, out);
                case "q4long" ->
                    (k, out) ->
                        InterleavedVariants.q4Long(cells.get(k).data(), groups, blocks, x, out);
                case "q4magic" ->
                    (k, out) ->
                        InterleavedIntLoops.q4Magic(cells.get(k).data(), groups, blocks, x, out);
                default -> throw new IllegalArgumentException("no variant " + n);
              });
        }
        float[][] outs = new float[names.size()][rows];
        double[][] ns = new double[names.size()][rounds];
        long weights = (long) rows * cols;
        for (int r = 0; r < rounds; r++) {
          StringBuilder sb = new StringBuilder(where + " round " + r + ":");
          for (int step = 0; step < names.size(); step++) {
            int v = (r % 2 == 0) ? step : names.size() - 1 - step;
            long reps = 0;
            long c0 = bean.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < 400_000_000L) {
              for (int k = 0; k < copies; k++) {
                loops.get(v).run(k, outs[v]);
              }
              reps += copies;
            }
            ns[v][r] = (bean.getCurrentThreadCpuTime() - c0) / (double) (reps * weights);
          }
          for (int v = 0; v < names.size(); v++) {
            sb.append(String.format(Locale.ROOT, "  %s %.4f", names.get(v), ns[v][r]));
          }
          System.out.println(sb);
        }
        float top = 0;
        for (float o : outs[0]) {
          top = Math.max(top, Math.abs(o));
        }
        StringBuilder sb = new StringBuilder(where + " medians (ns/weight, base/variant, diff):");
        double base = median(ns[0]);
        for (int v = 0; v < names.size(); v++) {
          float diff = 0;
          for (int i = 0; i < rows; i++) {
            diff = Math.max(diff, Math.abs(outs[v][i] - outs[0][i]));
          }
          double m = median(ns[v]);
          sb.append(
              String.format(
                  Locale.ROOT, "  %s %.4f %.3fx %.1e", names.get(v), m, base / m, diff / top));
        }
        System.out.println(sb);
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
