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
 * Does where a weight copy lands in memory change a product's speed? Makes {@code -Dcopies=K}
 * (default 6) copies of every Q6_K (or {@code -Dtype=Q4_K}) matrix of a file in the engine's
 * layout, each in freshly allocated memory, and times a pass over each copy set round by round in
 * one JVM (one thread). Same code, same input; only the memory differs. Prints CPU milliseconds per
 * pass for each copy set. Not a test.
 */
public final class PlacementSpeed {
  private PlacementSpeed() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int copies = Integer.getInteger("copies", 6);
    GgmlType type = GgmlType.valueOf(System.getProperty("type", "Q6_K"));
    try (GgufFile file = GgufFile.open(Path.of(args[0]));
        Parallel one = new Parallel(1)) {
      RepackedLayout layout = RepackedRows.layout(type, 1);
      List<List<RepackedRows>> sets = new ArrayList<>();
      List<int[]> shapes = new ArrayList<>();
      for (int c = 0; c < copies; c++) {
        List<RepackedRows> mats = new ArrayList<>();
        for (GgufTensorInfo t : file.tensors().values()) {
          if (t.type() != type || t.shape().length != 2 || t.name().equals("token_embd.weight")) {
            continue;
          }
          int cols = (int) t.columns();
          int rows = (int) t.rows();
          mats.add(RepackedRows.of(layout, type, file.data(t), rows, cols, one));
          if (c == 0) {
            shapes.add(new int[] {rows, cols});
          }
        }
        sets.add(mats);
      }
      float[] x = RandomWeights.floats(16384, new Random(3));
      float[] out = new float[65536];
      System.out.printf(
          "%d %s matrices x %d copies, layout %s, huge pages %s%n",
          shapes.size(), type, copies, layout.getClass().getSimpleName(), WeightMemory.mapsHugePages());
      ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      for (int round = 0; round < rounds; round++) {
        double[] cpu = new double[copies];
        for (int cc = 0; cc < copies; cc++) {
          int c = (cc + round) % copies;
          long c0 = bean.getCurrentThreadCpuTime();
          for (int rep = 0; rep < 3; rep++) {
            for (int i = 0; i < shapes.size(); i++) {
              int[] s = shapes.get(i);
              RepackedRows r = sets.get(c).get(i);
              r.layout().matvec(r.data(), r.rowBytes(), s[0], s[1], x, 0, out, 0, one, true);
            }
          }
          cpu[c] = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / 3;
        }
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (double v : cpu) {
          sb.append(String.format(" %.2f", v));
        }
        System.out.println(sb);
      }
    }
  }
}
