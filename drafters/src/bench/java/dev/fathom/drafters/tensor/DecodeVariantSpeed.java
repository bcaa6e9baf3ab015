package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One-thread matrix-vector products of Q8_0 or Q4_0 with the loops of {@link DecodeVariants},
 * alternating variant by variant in one JVM, in cache (one 256 x 2048 matrix, within L2) and
 * streamed (copies of a 2048 x 5632 matrix totalling over 96 MB, beyond L3); not a test. Prints the
 * thread's CPU nanoseconds per weight of every variant per round, then medians and the ratio to
 * {@code base} (today's kernel), and each variant's largest difference from {@code base} relative
 * to the largest output. Run after {@code mvn -pl drafters -am test-compile -Pkernel-bench} with the class path of
 * {@link DecodeBreakdown}: {@code dev.fathom.drafters.tensor.DecodeVariantSpeed q8|q4 [rounds]}.
 */
public final class DecodeVariantSpeed {
  private DecodeVariantSpeed() {}

  private static final boolean HUGE = Boolean.getBoolean("huge");

  interface Run {
    void run(int copy, float[] out);
  }

  public static void main(String[] args) {
    if (DecodeVariants.lanes() != 16) {
      throw new IllegalStateException("written for 512-bit vectors; have " + VectorShapes.L);
    }
    GgmlType type = args[0].equals("q8") ? GgmlType.Q8_0 : GgmlType.Q4_0;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    String only = System.getProperty("variants", "");
    for (String where : new String[] {"cache", "stream"}) {
      int rows = where.equals("cache") ? 256 : 2048;
      int cols = where.equals("cache") ? 2048 : 5632;
      MemorySegment src = RandomWeights.of(type, (long) rows * cols, new Random(1));
      int copies = where.equals("cache") ? 1 : (int) (96L * 1024 * 1024 / src.byteSize()) + 1;
      List<MemorySegment> file = new ArrayList<>();
      List<MemorySegment> hfile = new ArrayList<>();
      List<DecodeVariants.Repacked> packed = new ArrayList<>();
      List<DecodeVariants.Repacked> hpacked = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        MemorySegment m = Arena.ofAuto().allocate(src.byteSize(), 64).copyFrom(src);
        file.add(m);
        hfile.add(HUGE ? DecodeVariants.allocate(src.byteSize(), true).copyFrom(src) : m);
        int bb = type == GgmlType.Q8_0 ? 34 : 18;
        packed.add(DecodeVariants.repack(m, rows, cols, bb, false));
        hpacked.add(HUGE ? DecodeVariants.repack(m, rows, cols, bb, true) : null);
      }
      float[] sink = new float[1];
      float[] x = RandomWeights.floats(cols, new Random(2));
      float[] c = new float[cols / 2];
      Map<String, Run> vs = new LinkedHashMap<>();
      if (type == GgmlType.Q8_0) {
        vs.put("base", (i, o) -> Q8DecodeVariants.q8Base(file.get(i), rows, cols, x, o));
        vs.put("rp2", (i, o) -> Q8DecodeVariants.q8Rp2(packed.get(i), rows, cols, x, o));
        vs.put("il4", (i, o) -> Q8DecodeVariants.q8Il4(packed.get(i), rows, cols, x, o));
        vs.put("in4", (i, o) -> Q8DecodeVariants.q8In4(packed.get(i), rows, cols, x, o));
        vs.put("rm4", (i, o) -> Q8DecodeVariants.q8Rm4(packed.get(i), rows, cols, x, o));
        for (int d : new int[] {1024, 4096, 16384}) {
          vs.put(
              "in4t" + d,
              (i, o) -> Q8DecodeVariants.q8In4Touch(packed.get(i), rows, cols, x, o, d));
        }
        vs.put("in8", (i, o) -> Q8DecodeVariants.q8In8(packed.get(i), rows, cols, x, o));
        vs.put("in4x2", (i, o) -> Q8DecodeVariants.q8In4x2(packed.get(i), rows, cols, x, o));
        vs.put("in4u2", (i, o) -> Q8DecodeVariants.q8In4u2(packed.get(i), rows, cols, x, o));
        vs.put("hbase", (i, o) -> Q8DecodeVariants.q8Base(hfile.get(i), rows, cols, x, o));
        vs.put("hil4", (i, o) -> Q8DecodeVariants.q8Il4(hpacked.get(i), rows, cols, x, o));
      } else {
        vs.put("base", (i, o) -> Q4DecodeVariants.q4Base(file.get(i), rows, cols, x, o));
        vs.put("perm", (i, o) -> Q4DecodeVariants.q4Perm(file.get(i), rows, cols, x, o));
        vs.put("rpperm", (i, o) -> Q4DecodeVariants.q4RpPerm(packed.get(i), rows, cols, x, o));
        vs.put("il4perm", (i, o) -> Q4DecodeVariants.q4Il4Perm(packed.get(i), rows, cols, x, o));
        vs.put("in4perm", (i, o) -> Q4DecodeVariants.q4In4Perm(packed.get(i), rows, cols, x, o));
        vs.put("rm4perm", (i, o) -> Q4DecodeVariants.q4Rm4Perm(packed.get(i), rows, cols, x, o));
        vs.put("in4tab", (i, o) -> Q4DecodeVariants.q4In4Tab(packed.get(i), rows, cols, x, o));
        vs.put("wide", (i, o) -> Q4DecodeVariants.q4Wide(packed.get(i), rows, cols, x, o));
        vs.put("hbase", (i, o) -> Q4DecodeVariants.q4Base(hfile.get(i), rows, cols, x, o));
        vs.put("hrpperm", (i, o) -> Q4DecodeVariants.q4RpPerm(hpacked.get(i), rows, cols, x, o));
        vs.put("hil4perm", (i, o) -> Q4DecodeVariants.q4Il4Perm(hpacked.get(i), rows, cols, x, o));
        vs.put(
            "rpsums",
            (i, o) -> {
              Q4DecodeVariants.offsets(x, cols, c);
              Q4DecodeVariants.q4RpSums(packed.get(i), rows, cols, x, c, o);
            });
      }
      vs.put("sum", (i, o) -> sink[0] += DecodeVariants.sum(file.get(i)));
      vs.put("hsum", (i, o) -> sink[0] += DecodeVariants.sum(hfile.get(i)));
      if (!only.isEmpty()) {
        vs.keySet().removeIf(k -> !k.equals("base") && !only.contains(k));
      }
      float[] ref = new float[rows];
      vs.get("base").run(0, ref);
      float scale = 0;
      for (float v : ref) {
        scale = Math.max(scale, Math.abs(v));
      }
      Map<String, double[]> ns = new LinkedHashMap<>();
      float[] out = new float[rows];
      StringBuilder err = new StringBuilder(where + " max |diff| / max |base|:");
      for (var e : vs.entrySet()) {
        ns.put(e.getKey(), new double[rounds]);
        Arrays.fill(out, 0);
        e.getValue().run(0, out);
        if (e.getKey().endsWith("sum")) {
          continue;
        }
        float d = 0;
        for (int r = 0; r < rows; r++) {
          d = Math.max(d, Math.abs(out[r] - ref[r]));
        }
        err.append(String.format(Locale.ROOT, " %s %.1e", e.getKey(), d / scale));
      }
      System.out.println(err);
      ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      long perCall = (long) rows * cols;
      int calls = (int) Math.max(copies, 150_000_000L / perCall);
      for (int warm = 0; warm < 2; warm++) {
        for (Run v : vs.values()) {
          for (int k = 0; k < calls; k++) {
            v.run(k % copies, out);
          }
        }
      }
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder(where + " round " + round + ":");
        for (var e : vs.entrySet()) {
          long c0 = bean.getCurrentThreadCpuTime();
          for (int k = 0; k < calls; k++) {
            e.getValue().run(k % copies, out);
          }
          double v = (double) (bean.getCurrentThreadCpuTime() - c0) / ((double) calls * perCall);
          ns.get(e.getKey())[round] = v;
          sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), v));
        }
        System.out.println(sb);
      }
      double base = median(ns.get("base"));
      StringBuilder sb = new StringBuilder(where + " medians (ns/weight, speed vs base):");
      for (var e : ns.entrySet()) {
        double m = median(e.getValue());
        sb.append(String.format(Locale.ROOT, " %s %.4f (%.2fx)", e.getKey(), m, base / m));
      }
      System.out.println(sb);
      System.out.println("AnonHugePages: " + anonHuge() + " (sink " + sink[0] + ")");
    }
  }

  private static String anonHuge() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/smaps_rollup"))
          .stream()
          .filter(l -> l.startsWith("AnonHugePages"))
          .findFirst()
          .orElse("?");
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
