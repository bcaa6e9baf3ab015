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
 * Every Q4_K matrix of a file, in decode order, times one input, streamed from memory on one
 * thread: the float lane-major layout ({@link VectorRepackedKernels#Q4_K}, far pairs) against the
 * 16-bit layout ({@link WordQ4K}), alternating round by round in one JVM; prints wall and thread
 * CPU milliseconds per token for each. Not a test. Run after {@code mvn -pl drafters -am
 * test-compile -Pkernel-bench}:
 *
 * <pre>
 * java @jvm.options -Xmx3g -cp "$CP" dev.fathom.drafters.tensor.WordQ4KSpeed model.gguf [rounds]
 * </pre>
 */
public final class WordQ4KSpeed {
  private WordQ4KSpeed() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    try (GgufFile file = GgufFile.open(Path.of(args[0]));
        Parallel one = new Parallel(1)) {
      List<RepackedRows> floats = new ArrayList<>();
      List<RepackedRows> words = new ArrayList<>();
      List<int[]> shapes = new ArrayList<>();
      for (GgufTensorInfo t : file.tensors().values()) {
        if (t.type() != GgmlType.Q4_K || t.shape().length != 2) {
          continue;
        }
        int cols = (int) t.columns();
        int rows = (int) t.rows();
        floats.add(
            RepackedRows.of(VectorRepackedKernels.Q4_K, t.type(), file.data(t), rows, cols, one));
        words.add(RepackedRows.of(WordQ4K.LAYOUT, t.type(), file.data(t), rows, cols, one));
        shapes.add(new int[] {rows, cols});
      }
      long weights = shapes.stream().mapToLong(s -> (long) s[0] * s[1]).sum();
      System.out.printf("%d Q4_K matrices, %.0f M weights%n", shapes.size(), weights / 1e6);
      float[] x = RandomWeights.floats(16384, new Random(3));
      float[] out = new float[65536];
      ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int v = 0; v < 2; v++) {
          List<RepackedRows> layout = (round + v) % 2 == 0 ? floats : words;
          String name = layout == floats ? "float" : "words";
          int reps = 4;
          long c0 = bean.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          for (int k = 0; k < reps; k++) {
            for (int i = 0; i < layout.size(); i++) {
              RepackedRows r = layout.get(i);
              int[] s = shapes.get(i);
              r.layout().matvec(r.data(), r.rowBytes(), s[0], s[1], x, 0, out, 0, one, true);
            }
          }
          sb.append(
              String.format(
                  "  %s %.1f (cpu %.1f)",
                  name,
                  (System.nanoTime() - t0) / 1e6 / reps,
                  (bean.getCurrentThreadCpuTime() - c0) / 1e6 / reps));
        }
        System.out.println(sb);
      }
    }
  }
}
