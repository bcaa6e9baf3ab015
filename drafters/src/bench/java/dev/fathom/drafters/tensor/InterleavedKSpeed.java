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
 * Run after {@code mvn -pl drafters -am test-compile -Pkernel-bench}:
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
        // -Dcache=NAME: only the tensor NAME, repeated 200 times (in cache: the arithmetic alone)
        String cache = System.getProperty("cache", "");
        if (k
            && (which.equals("ALL") || t.type().name().equals(which))
            && !t.name().equals("token_embd.weight")
            && (cache.isEmpty() || t.name().equals(cache))) {
          int rows = (int) t.rows();
          int cols = (int) t.columns();
          String only = System.getProperty("only", "");
          boolean q4 = t.type() == GgmlType.Q4_K;
          boolean needRepacked =
              only.isEmpty()
                  || only.contains("repacked")
                  || only.contains("far")
                  || (only.contains("pairs") && !q4);
          boolean needCells =
              only.isEmpty()
                  || only.contains("interleaved")
                  || only.contains("c8")
                  || (only.contains("pairs") && q4);
          repacked.add(
              needRepacked ? RepackedRows.of(RepackedRows.kernel(t.type()), t.type(), file.data(t), rows, cols, one) : null);
          cells.add(
              needCells ? InterleavedKRows.of(t.type(), file.data(t), rows, cols, one) : null);
          shapes.add(new int[] {rows, cols});
        }
      }
    }
    if (!System.getProperty("cache", "").isEmpty()) {
      for (int i = 0; i < 199; i++) {
        repacked.add(repacked.get(0));
        cells.add(cells.get(0));
        shapes.add(shapes.get(0));
      }
    }
    int maxCols = shapes.stream().mapToInt(s -> s[1]).max().orElseThrow();
    int maxRows = shapes.stream().mapToInt(s -> s[0]).max().orElseThrow();
    float[] x = RandomWeights.floats(maxCols, new Random(2));
    float[] out = new float[maxRows];
    float[] check = new float[maxRows];
    float[] prep = new float[VectorRepackedKernels.preparedSize(maxCols)];
    var thread = ManagementFactory.getThreadMXBean();
    // -Donly=NAME[,NAME..]: the variants to run (default repacked,interleaved); pairs4 and pairs8
    // run the Q4_K cells through the two-stream quant pass of InterleavedKPairs (Q6_K matrices,
    // with ALL, on the repacked kernel)
    String[] variants = {
      "repacked", "interleaved", "c8", "pairs4", "pairs8", "far", "far6", "far4"
    };
    String only = System.getProperty("only", "");
    boolean[] skip = new boolean[variants.length];
    for (int v = 0; v < variants.length; v++) {
      skip[v] =
          only.isEmpty()
              ? v > 1 && !(v == 2 && System.getProperty("c8") != null)
              : !java.util.Arrays.asList(only.split(",")).contains(variants[v]);
    }
    float[] scratch = new float[64 * (maxCols / 256)];
    float[] scratchB = new float[64 * (maxCols / 256)];
    try (Parallel one = new Parallel(1)) {
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int i = 0; i < variants.length; i++) {
          int v = (i + round) % variants.length;
          if (skip[v]) {
            continue;
          }
          double worst = 0;
          long c0 = thread.getCurrentThreadCpuTime();
          for (int m = 0; m < shapes.size(); m++) {
            int rows = shapes.get(m)[0];
            int cols = shapes.get(m)[1];
            if (v == 7 && ((VectorRepackedKernels) repacked.get(m).layout()) == VectorRepackedKernels.Q4_K) {
              // far4: four rows a quarter of the range apart
              RepackedRows r = repacked.get(m);
              ((VectorRepackedKernels) r.layout()).prepare(x, 0, cols, prep);
              RepackedFarQuads.rows(r.data(), r.rowBytes(), 0, rows, prep, cols, out);
            } else if (v >= 5 && v != 7 && ((VectorRepackedKernels) repacked.get(m).layout()) == VectorRepackedKernels.Q4_K) {
              RepackedRows r = repacked.get(m);
              ((VectorRepackedKernels) r.layout()).prepare(x, 0, cols, prep);
              RepackedFarPairs.rows(r.data(), r.rowBytes(), 0, rows, prep, cols, out, 0);
            } else if (v == 6) {
              // far6: Q6_K rows in far pairs too
              RepackedRows r = repacked.get(m);
              ((VectorRepackedKernels) r.layout()).prepare(x, 0, cols, prep);
              RepackedFarPairsQ6.q6Rows(r.data(), r.rowBytes(), 0, rows, prep, cols, out, 0);
            } else if (v == 0 || v == 5 || v == 7 || (v >= 3 && cells.get(m) == null)) {
              repackedProduct(repacked.get(m), rows, cols, x, prep, out);
            } else if (v >= 3) {
              InterleavedKRows c = cells.get(m);
              VectorRepackedKernels.Q4_K.prepare(x, 0, cols, prep);
              InterleavedKPairs.groups(
                  c.data(), cols / 256, 0, rows / 4, prep, out, 0, scratch, scratchB, v == 4);
            } else if (v == 2) {
              c8Product(cells.get(m), rows, cols, x, prep, scratch, out);
            } else {
              InterleavedKRows c = cells.get(m);
              c.matvec(c.data(), rows, x, 0, out, 0, one);
            }
            if (round == 0 && v >= 1 && m < 4 && repacked.get(m) != null && v != 0) {
              repackedProduct(repacked.get(m), rows, cols, x, prep, check);
              for (int r = 0; r < rows; r++) {
                worst = Math.max(worst, Math.abs(check[r] - out[r]) / (1e-3 + Math.abs(check[r])));
              }
            }
          }
          double ms = (thread.getCurrentThreadCpuTime() - c0) / 1e6;
          sb.append(String.format(Locale.ROOT, "  %s %.1f", variants[v], ms));
          if (round == 0 && v >= 1) {
            sb.append(String.format(Locale.ROOT, " (max rel diff %.1e)", worst));
          }
        }
        System.out.println(sb);
      }
    }
  }

  /** Q4_K cells with eight chains (two per row) in the quant pass. */
  private static void c8Product(
      InterleavedKRows c,
      int rows,
      int cols,
      float[] x,
      float[] prep,
      float[] scratch,
      float[] out) {
    VectorRepackedKernels.Q4_K.prepare(x, 0, cols, prep);
    int blocks = cols / 256;
    for (int g = 0; g < rows / 4; g++) {
      long o = (long) g * blocks * InterleavedKKernels.Q4_CELL;
      c8Quants(c.data(), o, blocks, prep, scratch);
      InterleavedKKernels.q4Scales(c.data(), o, blocks, prep, cols, scratch, out, 4 * g);
    }
  }

  static void c8Quants(
      java.lang.foreign.MemorySegment w, long o, int blocks, float[] prep, float[] scratch) {
    var f = VectorShapes.F;
    for (int b = 0; b < blocks; b++) {
      long c = o + (long) InterleavedKKernels.Q4_CELL * b;
      int xb = 256 * b;
      jdk.incubator.vector.FloatVector t0 = jdk.incubator.vector.FloatVector.zero(f);
      var t1 = t0;
      var t2 = t0;
      var t3 = t0;
      var u0 = t0;
      var u1 = t0;
      var u2 = t0;
      var u3 = t0;
      for (int k = 0; k < 8; k++) {
        var v =
            jdk.incubator.vector.IntVector.fromMemorySegment(
                VectorShapes.I, w, c + 96 + 64L * k, VectorShapes.LE);
        var x0 = jdk.incubator.vector.FloatVector.fromArray(f, prep, xb + 32 * k);
        var x1 = jdk.incubator.vector.FloatVector.fromArray(f, prep, xb + 32 * k + 16);
        var sh = jdk.incubator.vector.VectorOperators.LSHR;
        t0 = VectorShapes.floats(v.and(0x0F)).fma(x0, t0);
        t1 = VectorShapes.floats(v.lanewise(sh, 8).and(0x0F)).fma(x0, t1);
        t2 = VectorShapes.floats(v.lanewise(sh, 16).and(0x0F)).fma(x0, t2);
        t3 = VectorShapes.floats(v.lanewise(sh, 24).and(0x0F)).fma(x0, t3);
        u0 = VectorShapes.floats(v.lanewise(sh, 4).and(0x0F)).fma(x1, u0);
        u1 = VectorShapes.floats(v.lanewise(sh, 12).and(0x0F)).fma(x1, u1);
        u2 = VectorShapes.floats(v.lanewise(sh, 20).and(0x0F)).fma(x1, u2);
        u3 = VectorShapes.floats(v.lanewise(sh, 28)).fma(x1, u3);
      }
      t0.add(u0).intoArray(scratch, 64 * b);
      t1.add(u1).intoArray(scratch, 64 * b + 16);
      t2.add(u2).intoArray(scratch, 64 * b + 32);
      t3.add(u3).intoArray(scratch, 64 * b + 48);
    }
  }

  private static void repackedProduct(
      RepackedRows r, int rows, int cols, float[] x, float[] prep, float[] out) {
    VectorRepackedKernels k = ((VectorRepackedKernels) r.layout());
    k.prepare(x, 0, cols, prep);
    for (int row = 0; row < rows; row++) {
      out[row] = k.dot(r.data(), row * r.rowBytes(), prep, 0, prep, cols);
    }
  }
}
