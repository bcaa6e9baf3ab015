package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A/B of the four-row interleaved k-quant layout ({@link InterleavedKRows}) against the one-row
 * repacked layout ({@link RepackedRows}) over every Q4_K (or, with a third argument {@code Q6_K},
 * Q6_K; {@code ALL} for both) matrix of a file's decode step, each built as the engine builds it
 * and streamed from memory, one thread, the two alternating in one JVM with the order swapped each
 * round; prints the thread's CPU milliseconds per token of each (input preparation included) and,
 * in round 0, the largest difference of their products relative to the row's magnitude. Not a test.
 * Run after {@code mvn -pl drafters -am test-compile}:
 *
 * <pre>
 * java @jvm.options -Xmx4g \
 *   -cp drafters/target/classes:drafters/target/test-classes:memory/target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *   dev.fathom.drafters.tensor.InterleavedKSpeed model.gguf [rounds] [Q4_K|Q6_K|ALL]
 * </pre>
 */
public final class InterleavedKSpeed {
  private InterleavedKSpeed() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    String which = args.length > 2 ? args[2] : "Q4_K";
    List<RepackedRows> repacked = new ArrayList<>();
    List<InterleavedKRows> cells = new ArrayList<>();
    List<int[]> shapes = new ArrayList<>();
    try (GgufFile file = GgufFile.open(path);
        Parallel one = new Parallel(1)) {
      for (GgufTensorInfo t : file.tensors().values()) {
        boolean k = t.type() == GgmlType.Q4_K || t.type() == GgmlType.Q6_K;
        if (k
            && (which.equals("ALL") || t.type().name().equals(which))
            && !t.name().equals("token_embd.weight")) {
          int rows = (int) t.rows();
          int cols = (int) t.columns();
          repacked.add(RepackedRows.of(t.type(), file.data(t), rows, cols, one));
          cells.add(InterleavedKRows.of(t.type(), file.data(t), rows, cols, one));
          shapes.add(new int[] {rows, cols});
        }
      }
    }
    int maxCols = shapes.stream().mapToInt(s -> s[1]).max().orElseThrow();
    int maxRows = shapes.stream().mapToInt(s -> s[0]).max().orElseThrow();
    float[] x = RandomWeights.floats(maxCols, new Random(2));
    float[] out = new float[maxRows];
    float[] check = new float[maxRows];
    float[] prep = new float[VectorRepackedKernels.preparedSize(maxCols)];
    var thread = ManagementFactory.getThreadMXBean();
    String[] variants = {"repacked", "interleaved"};
    try (Parallel one = new Parallel(1)) {
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int i = 0; i < 2; i++) {
          int v = (i + round) % 2;
          double worst = 0;
          long c0 = thread.getCurrentThreadCpuTime();
          for (int m = 0; m < shapes.size(); m++) {
            int rows = shapes.get(m)[0];
            int cols = shapes.get(m)[1];
            if (v == 0) {
              repackedProduct(repacked.get(m), rows, cols, x, prep, out);
            } else {
              InterleavedKRows c = cells.get(m);
              c.matvec(c.data(), rows, x, 0, out, 0, one);
            }
            if (round == 0 && v == 1 && m < 4) {
              repackedProduct(repacked.get(m), rows, cols, x, prep, check);
              for (int r = 0; r < rows; r++) {
                worst = Math.max(worst, Math.abs(check[r] - out[r]) / (1e-3 + Math.abs(check[r])));
              }
            }
          }
          double ms = (thread.getCurrentThreadCpuTime() - c0) / 1e6;
          sb.append(String.format(Locale.ROOT, "  %s %.1f", variants[v], ms));
          if (round == 0 && v == 1) {
            sb.append(String.format(Locale.ROOT, " (max rel diff %.1e)", worst));
          }
        }
        System.out.println(sb);
      }
    }
  }

  private static void repackedProduct(
      RepackedRows r, int rows, int cols, float[] x, float[] prep, float[] out) {
    VectorRepackedKernels k = r.dot();
    k.prepare(x, 0, cols, prep);
    for (int row = 0; row < rows; row++) {
      out[row] = k.dot(r.data(), row * r.rowBytes(), prep, 0, prep, cols);
    }
  }
}
