package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Where a decode step's k-quant products go, and their repacked copies on 4 KiB against 2 MiB pages
 * ({@link HugePages}); not a test. Every Q4_K and Q6_K weight matrix of a file's decode step (the
 * seven per layer and the output matrix, in decode order) is loaded twice as the engine loads it
 * ({@link Matrices#of}, repacked), once with {@code -Dfathom.engine.huge-pages=false} and once with
 * {@code true}; then, alternating round by round (which goes first alternates too), each set is
 * multiplied with a vector, every matrix once per token, rows split over {@code -Dthreads=N}
 * threads (default 1). Prints CPU milliseconds per token, in all and per tensor kind (one thread:
 * the thread's CPU clock; more: the process's, only the total), and the process's {@code
 * AnonHugePages}. On a shared machine read the CPU times and the ratios inside one round. Run after
 * {@code mvn -pl drafters -am test-compile}:
 *
 * <pre>
 * java @jvm.options -Xmx3g \
 *   -cp drafters/target/classes:drafters/target/test-classes:memory/target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *   dev.fathom.drafters.tensor.HugePageSpeed model.gguf [rounds]
 * </pre>
 */
public final class HugePageSpeed {
  private static final String[] KINDS = {
    "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", "output"
  };

  private HugePageSpeed() {}

  record M(int kind, GgmlType type, Matrix matrix) {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int threads = Integer.getInteger("threads", 1);
    try (GgufFile file = GgufFile.open(path);
        Parallel parallel = new Parallel(threads)) {
      List<List<M>> sets = new ArrayList<>();
      for (String huge : new String[] {"false", "true"}) {
        System.setProperty(HugePages.PROPERTY, huge);
        sets.add(load(file, parallel));
        System.out.println("huge pages " + huge + ": " + anonHugePages());
      }
      int maxCols = sets.get(0).stream().mapToInt(m -> m.matrix.cols()).max().orElseThrow();
      int maxRows = sets.get(0).stream().mapToInt(m -> m.matrix.rows()).max().orElseThrow();
      float[] x = RandomWeights.floats(maxCols, new Random(2));
      float[] out = new float[maxRows];
      var process =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      var thread = ManagementFactory.getThreadMXBean();
      int reps = 4;
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int v = 0; v < 2; v++) {
          int set = (v + round) % 2;
          double[] perKind = new double[KINDS.length];
          double[] perType = new double[2];
          long p0 = process.getProcessCpuTime();
          long w0 = System.nanoTime();
          for (int rep = 0; rep < reps; rep++) {
            for (M m : sets.get(set)) {
              long c0 = thread.getCurrentThreadCpuTime();
              m.matrix.matvec(x, 0, out, 0);
              double ms = (thread.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
              perKind[m.kind] += ms;
              perType[m.type == GgmlType.Q4_K ? 0 : 1] += ms;
            }
          }
          double wall = (System.nanoTime() - w0) / 1e6 / reps;
          double cpu = (process.getProcessCpuTime() - p0) / 1e6 / reps;
          sb.append(
              String.format(
                  Locale.ROOT,
                  "%n  %s process cpu %.1f ms (wall %.1f); calling thread %.1f: Q4_K %.1f Q6_K %.1f |",
                  set == 0 ? "4K  " : "huge",
                  cpu,
                  wall,
                  perType[0] + perType[1],
                  perType[0],
                  perType[1]));
          for (int k = 0; k < KINDS.length; k++) {
            sb.append(String.format(Locale.ROOT, " %s %.1f", KINDS[k], perKind[k]));
          }
        }
        System.out.println(sb);
      }
    }
  }

  private static List<M> load(GgufFile file, Parallel parallel) {
    List<M> ms = new ArrayList<>();
    for (int l = 0; file.hasTensor("blk." + l + ".attn_q.weight"); l++) {
      for (int k = 0; k < 7; k++) {
        add(ms, file, "blk." + l + "." + KINDS[k] + ".weight", k, parallel);
      }
    }
    add(
        ms,
        file,
        file.hasTensor("output.weight") ? "output.weight" : "token_embd.weight",
        7,
        parallel);
    return ms;
  }

  private static void add(List<M> ms, GgufFile file, String name, int kind, Parallel p) {
    GgufTensorInfo t = file.tensor(name);
    if (t.type() == GgmlType.Q4_K || t.type() == GgmlType.Q6_K) {
      int rows = (int) t.rows();
      int cols = (int) t.columns();
      ms.add(
          new M(
              kind,
              t.type(),
              Matrices.of(t.type(), file.data(t), rows, cols, p, KernelBackend.VECTOR)));
    }
  }

  private static String anonHugePages() throws java.io.IOException {
    Path rollup = Path.of("/proc/self/smaps_rollup");
    if (!Files.exists(rollup)) {
      return "unknown";
    }
    return Files.readAllLines(rollup).stream()
        .filter(line -> line.startsWith("AnonHugePages"))
        .findFirst()
        .orElse("no AnonHugePages line");
  }
}
