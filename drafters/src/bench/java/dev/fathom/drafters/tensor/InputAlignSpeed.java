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
 * Does the heap position of the prepared input ({@link WordInput}'s arrays) change a product's
 * speed? Every Q6_K (or {@code -Dtype=Q4_K}) matrix of a file, repacked into the engine's layout,
 * times eight inputs allocated after paddings of 0, 8, .., 56 bytes, round by round in one JVM, one
 * thread. Prints CPU milliseconds per pass of each. Not a test.
 */
public final class InputAlignSpeed {
  private InputAlignSpeed() {}

  static final List<Object> KEEP = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    GgmlType type = GgmlType.valueOf(System.getProperty("type", "Q6_K"));
    try (GgufFile file = GgufFile.open(Path.of(args[0]));
        Parallel one = new Parallel(1)) {
      RepackedLayout layout = RepackedRows.layout(type, 1);
      List<RepackedRows> mats = new ArrayList<>();
      List<int[]> shapes = new ArrayList<>();
      for (GgufTensorInfo t : file.tensors().values()) {
        if (t.type() != type || t.shape().length != 2 || t.name().equals("token_embd.weight")) {
          continue;
        }
        int cols = (int) t.columns();
        int rows = (int) t.rows();
        mats.add(RepackedRows.of(layout, type, file.data(t), rows, cols, one));
        shapes.add(new int[] {rows, cols});
      }
      float[] x = RandomWeights.floats(16384, new Random(3));
      float[] out = new float[65536];
      int variants = 8;
      // inputs[v][n == 2048 ? 0 : 1]
      WordInput[][] inputs = new WordInput[variants][2];
      for (int v = 0; v < variants; v++) {
        for (int k = 0; k < 2; k++) {
          KEEP.add(new byte[8 * v]);
          inputs[v][k] =
              new WordInput()
                  .prepare(type == GgmlType.Q4_K ? WordQ4K.LAYOUT : layout, x, 0, k == 0 ? 2048 : 5632);
          KEEP.add(new byte[64 - 8 * v]);
        }
      }
      System.out.printf("%d %s matrices, layout %s%n", mats.size(), type, layout.getClass().getSimpleName());
      ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      double[][] cpu = new double[variants][rounds];
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (int vv = 0; vv < variants; vv++) {
          int v = (vv + round) % variants;
          long c0 = bean.getCurrentThreadCpuTime();
          for (int rep = 0; rep < 4; rep++) {
            for (int i = 0; i < mats.size(); i++) {
              int[] s = shapes.get(i);
              RepackedRows r = mats.get(i);
              WordInput in = inputs[v][s[1] == 2048 ? 0 : 1];
              if (type == GgmlType.Q6_K) {
                WordQ6KProduct.pairs(r.data(), r.rowBytes(), 0, s[0] / 2, s[0] / 2, s[1], in, out, 0);
              } else {
                TiledQ4KProduct.tiles(r.data(), 0, (s[0] + 31) / 32, s[0], s[1], in, out, 0);
              }
            }
          }
          cpu[v][round] = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / 4;
        }
        for (int v = 0; v < variants; v++) {
          sb.append(String.format(" %.2f", cpu[v][round]));
        }
        System.out.println(sb);
      }
    }
  }
}
