package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Where a decode step's k-quant products go, and the one-row against the two-row repacked kernels
 * ({@link RepackedRowPairs}); not a test. Every Q4_K and Q6_K weight matrix of a file's decode step
 * (the seven per layer and the output matrix, in decode order) is repacked as the engine does
 * ({@link RepackedRows}), then, alternating round by round in one JVM, each is multiplied with a
 * vector as {@link KernelMatrix} does (input prepared once, rows split over {@code -Dthreads=N}
 * threads, default 1) with rows one at a time ({@code one}) and in pairs ({@code pair}). Prints the
 * process CPU milliseconds per token of each, in all and per tensor kind; on a shared machine read
 * the CPU times and the ratios inside one round. Run after {@code mvn -pl drafters -am
 * test-compile}:
 *
 * <pre>
 * java @jvm.options -Xmx3g \
 *   -cp drafters/target/classes:drafters/target/test-classes:memory/target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *   dev.fathom.drafters.tensor.RepackedPairSpeed model.gguf [rounds]
 * </pre>
 */
public final class RepackedPairSpeed {
  private static final String[] KINDS = {
    "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", "output"
  };

  private RepackedPairSpeed() {}

  record M(String kind, GgmlType type, RepackedRows rows, int count, int cols) {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int threads = Integer.getInteger("threads", 1);
    try (GgufFile file = GgufFile.open(path);
        Parallel parallel = new Parallel(threads)) {
      List<M> ms = new ArrayList<>();
      for (int l = 0; file.hasTensor("blk." + l + ".attn_q.weight"); l++) {
        for (int i = 0; i < 7; i++) {
          add(ms, file, "blk." + l + "." + KINDS[i] + ".weight", KINDS[i], parallel);
        }
      }
      add(
          ms,
          file,
          file.hasTensor("output.weight") ? "output.weight" : "token_embd.weight",
          "output",
          parallel);
      int maxCols = ms.stream().mapToInt(M::cols).max().orElseThrow();
      int maxRows = ms.stream().mapToInt(M::count).max().orElseThrow();
      float[] x = RandomWeights.floats(maxCols, new Random(2));
      float[] out = new float[maxRows];
      float[] prep = new float[VectorRepackedKernels.preparedSize(maxCols)];
      var bean =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      var threadBean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        // Alternate which variant goes first, so neither always follows the other.
        for (int v = 0; v < 2; v++) {
          boolean pairs = (v + round) % 2 == 0;
          double[] perKind = new double[KINDS.length];
          double[] perType = new double[2];
          int reps = 4;
          long a0 = threadBean.getCurrentThreadAllocatedBytes();
          long w0 = System.nanoTime();
          for (int rep = 0; rep < reps; rep++) {
            for (M m : ms) {
              // One thread: the thread's CPU clock (nanoseconds); more: the process's (coarser).
              long c0 =
                  threads == 1 ? threadBean.getCurrentThreadCpuTime() : bean.getProcessCpuTime();
              product(m, x, prep, out, parallel, pairs);
              long c1 =
                  threads == 1 ? threadBean.getCurrentThreadCpuTime() : bean.getProcessCpuTime();
              double ms1 = (c1 - c0) / 1e6 / reps;
              perKind[List.of(KINDS).indexOf(m.kind)] += ms1;
              perType[m.type == GgmlType.Q4_K ? 0 : 1] += ms1;
            }
          }
          double wall = (System.nanoTime() - w0) / 1e6 / reps;
          double kb = (threadBean.getCurrentThreadAllocatedBytes() - a0) / 1024.0 / reps;
          sb.append(
              String.format(
                  Locale.ROOT,
                  "%n  %s cpu %.1f ms (wall %.1f, %.0f KiB allocated): Q4_K %.1f Q6_K %.1f |",
                  pairs ? "pair" : "one ",
                  perType[0] + perType[1],
                  wall,
                  kb,
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

  private static void add(List<M> ms, GgufFile file, String name, String kind, Parallel p) {
    GgufTensorInfo t = file.tensor(name);
    RepackedRows r = RepackedRows.of(t.type(), file.data(t), (int) t.rows(), (int) t.columns(), p);
    if (r != null) {
      ms.add(new M(kind, t.type(), r, (int) t.rows(), (int) t.columns()));
    }
  }

  /** KernelMatrix's repacked matvec, with the row loop chosen here. */
  private static void product(
      M m, float[] x, float[] prep, float[] out, Parallel parallel, boolean pairs) {
    VectorRepackedKernels k = m.rows.dot();
    k.prepare(x, 0, m.cols, prep);
    MemorySegment w = m.rows.data();
    long bytes = m.rows.rowBytes();
    parallel.forRange(
        0,
        m.count,
        (from, to) -> {
          int r = from;
          if (pairs) {
            for (; r + 1 < to; r += 2) {
              k.dotPair(w, r * bytes, bytes, prep, m.cols, out, r);
            }
          }
          for (; r < to; r++) {
            out[r] = k.dot(w, r * bytes, prep, 0, prep, m.cols);
          }
        });
  }
}
