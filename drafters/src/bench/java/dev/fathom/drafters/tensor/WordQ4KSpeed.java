package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Every matrix of one type of a file (Q4_K by default, {@code -Dtype=Q6_K} or {@code Q4_0}) times
 * one input, streamed from memory on one thread: the float layout (Q4_K and Q6_K: {@link
 * VectorRepackedKernels}, Q4_K in far pairs; Q4_0: the interleaved cells of {@link
 * InterleavedRows}) against the 16-bit one ({@link WordQ4K}, {@link WordQ6K}, {@link WordQ40}),
 * alternating round by round in one JVM (all copies are {@code Arena} memory); with {@code
 * -Dlinear=true} (Q4_K), the {@link WordQ4KLinear} prototype in place of the float layout ({@code
 * -Dtwo=true}: two super-blocks per loop turn), with {@code -Dcolumns=true} the {@link
 * WordQ4KColumns} one, with {@code -Dtiled=true} the {@link TiledQ4K} one ("tiles"), each
 * against {@link WordQ4K}. {@code -Drows=R} keeps only matrices of {@code R}
 * rows (256: the k and v projections, which fit in L3), {@code -Dreps=N} sets the passes per round
 * (default 4). Prints wall and
 * thread CPU milliseconds per pass for each. Not a test. Run after {@code mvn -pl drafters -am
 * test-compile -Pkernel-bench}:
 *
 * <pre>
 * java @jvm.options -Xmx3g -Dtype=Q4_0 -cp "$CP" dev.fathom.drafters.tensor.WordQ4KSpeed model.gguf [rounds]
 * </pre>
 */
public final class WordQ4KSpeed {
  private WordQ4KSpeed() {}


  public static void main(String[] args) throws Exception {
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    try (GgufFile file = GgufFile.open(Path.of(args[0]));
        Parallel one = new Parallel(1)) {
      GgmlType type = GgmlType.valueOf(System.getProperty("type", "Q4_K"));
      RepackedLayout word =
          switch (type) {
            case Q4_K -> WordQ4K.LAYOUT;
            case Q6_K -> WordQ6K.LAYOUT;
            case Q4_0 -> WordQ40.LAYOUT;
            default -> throw new IllegalArgumentException("no 16-bit layout for " + type);
          };
      boolean linear = Boolean.getBoolean("linear") && type == GgmlType.Q4_K;
      boolean columns = Boolean.getBoolean("columns") && type == GgmlType.Q4_K;
      boolean tiles = Boolean.getBoolean("tiled") && type == GgmlType.Q4_K;
      List<Object> floats = new ArrayList<>();
      List<Object> words = new ArrayList<>();
      List<int[]> shapes = new ArrayList<>();
      for (GgufTensorInfo t : file.tensors().values()) {
        if (t.type() != type || t.shape().length != 2 || t.name().equals("token_embd.weight")) {
          continue;
        }
        if (Integer.getInteger("rows", 0) > 0 && t.rows() != Integer.getInteger("rows", 0)) {
          continue;
        }
        int cols = (int) t.columns();
        int rows = (int) t.rows();
        if (type == GgmlType.Q4_0) {
          floats.add(InterleavedRows.of(type, file.data(t), rows, cols, one));
        } else {
          floats.add(RepackedRows.of(RepackedRows.kernel(type), type, file.data(t), rows, cols, one));
        }
        RepackedRows wr = RepackedRows.of(word, type, file.data(t), rows, cols, one);
        words.add(wr);
        if (linear) {
          floats.set(floats.size() - 1, WordQ4KLinear.of(wr, rows, cols));
        } else if (columns) {
          floats.set(floats.size() - 1, WordQ4KColumns.of(wr, rows, cols));
        } else if (tiles) {
          floats.set(
              floats.size() - 1,
              RepackedRows.of(TiledQ4K.LAYOUT, type, file.data(t), rows, cols, one));
        }
        shapes.add(new int[] {rows, cols});
      }
      long weights = shapes.stream().mapToLong(s -> (long) s[0] * s[1]).sum();
      System.out.printf(
          "%d %s matrices (not token_embd), %.0f M weights%n", shapes.size(), type, weights / 1e6);
      float[] x = RandomWeights.floats(16384, new Random(3));
      float[] out = new float[65536];
      if (linear || columns) {
        // a prototype must compute what the engine's loop does (the same arithmetic)
        float[] expected = new float[65536];
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < words.size(); i++) {
          int[] s = shapes.get(i);
          RepackedRows r = (RepackedRows) words.get(i);
          r.layout().matvec(r.data(), r.rowBytes(), s[0], s[1], x, 0, expected, 0, one, true);
          if (floats.get(i) instanceof WordQ4KLinear.Rows lr) {
            WordQ4KLinear.matvec(lr, x, out);
          } else {
            WordQ4KColumns.matvec((WordQ4KColumns.Rows) floats.get(i), x, out);
          }
          for (int k = 0; k < s[0]; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - out[k]));
            scale = Math.max(scale, Math.abs(expected[k]));
          }
        }
        System.out.printf(
            "prototype against words: largest difference %.3g (largest output %.3g)%n",
            worst, scale);
      }
      ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int v = 0; v < 2; v++) {
          List<Object> layout = (round + v) % 2 == 0 ? floats : words;
          String name =
              layout != floats
                  ? "words"
                  : linear ? "linear" : columns ? "columns" : tiles ? "tiles" : "float";
          int reps = Integer.getInteger("reps", 4);
          long c0 = bean.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          for (int k = 0; k < reps; k++) {
            for (int i = 0; i < layout.size(); i++) {
              int[] s = shapes.get(i);
              if (layout.get(i) instanceof WordQ4KLinear.Rows lr) {
                WordQ4KLinear.matvec(lr, x, out);
              } else if (layout.get(i) instanceof WordQ4KColumns.Rows cr) {
                WordQ4KColumns.matvec(cr, x, out);
              } else if (layout.get(i) instanceof RepackedRows r) {
                r.layout().matvec(r.data(), r.rowBytes(), s[0], s[1], x, 0, out, 0, one, true);
              } else {
                InterleavedRows cells = (InterleavedRows) layout.get(i);
                cells.groups(cells.data(), 0, s[0] / 4, x, 0, out, 0);
              }
            }
          }
          sb.append(
              String.format(
                  "  %s %.3f (cpu %.3f)",
                  name,
                  (System.nanoTime() - t0) / 1e6 / reps,
                  (bean.getCurrentThreadCpuTime() - c0) / 1e6 / reps));
        }
        System.out.println(sb);
      }
    }
  }
}
