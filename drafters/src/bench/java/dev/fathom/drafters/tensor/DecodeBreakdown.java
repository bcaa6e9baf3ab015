package dev.fathom.drafters.tensor;

import dev.fathom.drafters.sampling.Sampler;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.bytes;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Where a one-thread decode step goes; not a test. In one JVM, alternating round by round: a whole
 * engine decode step ({@code engine}), the step's matrix-vector products alone (every weight matrix
 * of the file, in decode order, streamed from memory) with the engine's kernels ({@code matvec}) or
 * with experimental row loops ({@code rows2}, {@code r2b}, {@code r4b}, {@code r2next}, {@code
 * t512}..{@code t8192}, {@code r2t1024}, {@code r2t2048}), a plain read of the same bytes ({@code
 * sum}), the engine's 8-bit activation path ({@code int8}), one matrix repeated for as many weights
 * as a step ({@code cache-X}: in L2, {@code l3u-X}, {@code l3d-X}: in L3), and copies in anonymous
 * memory ({@code aX}; run these in their own JVM: a kernel that has seen two segment classes is
 * compiled slower for both). Prints wall and thread CPU milliseconds per token; on a shared machine
 * read the CPU times. {@code -Dthreads=N} runs the engine step on N threads (default 1; the CPU
 * time is then the calling thread's). Run after {@code mvn -pl drafters -am test-compile -Pkernel-bench}:
 *
 * <pre>
 * java @jvm.options -Xmx2g -Dvariants=engine,sum,matvec,cache-matvec \
 *   -cp drafters/target/classes:drafters/target/test-classes:memory/target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *   dev.fathom.drafters.tensor.DecodeBreakdown model.gguf [rounds]
 * </pre>
 */
public final class DecodeBreakdown {
  private DecodeBreakdown() {}

  record M(GgmlType type, MemorySegment data, int rows, int cols, Matrix matrix) {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String only = args.length > 2 ? args[2] : "";
    try (LlamaEngine engine =
            LlamaEngine.open(path, new EngineSettings(Integer.getInteger("threads", 1), 0, null));
        GgufFile file = GgufFile.open(path);
        Parallel one = new Parallel(1)) {
      List<M> ms = new ArrayList<>();
      int layers = engine.config().layers();
      for (int l = 0; l < layers; l++) {
        for (String n :
            new String[] {
              "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"
            }) {
          ms.add(m(file, "blk." + l + "." + n + ".weight", one));
        }
      }
      ms.add(m(file, file.hasTensor("output.weight") ? "output.weight" : "token_embd.weight", one));
      int maxCols = ms.stream().mapToInt(M::cols).max().orElseThrow();
      int maxRows = ms.stream().mapToInt(M::rows).max().orElseThrow();
      float[] x = RandomWeights.floats(maxCols, new Random(2));
      float[] out = new float[maxRows];
      LlamaSequence seq = engine.newSequence();
      float[] logits =
          variantsHave("engine") ? seq.forward(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, false) : null;
      String[] variants =
          System.getProperty(
                  "variants", "engine,sum,matvec,rows2,t512,t1024,t2048,t4096,r2t1024,r2t2048")
              .split(",");
      List<M> int8 = new ArrayList<>();
      for (M m : ms) {
        int8.add(
            new M(
                m.type,
                m.data,
                m.rows,
                m.cols,
                Matrices.of(m.type, m.data, m.rows, m.cols, one, KernelBackend.VECTOR, true)));
      }
      boolean anon = variantsHave("a");
      List<M> copies = new ArrayList<>();
      List<MemorySegment> qss = new ArrayList<>();
      List<float[]> scs = new ArrayList<>();
      if (anon) {
        for (M m : ms) {
          MemorySegment c = java.lang.foreign.Arena.global().allocate(m.data.byteSize(), 4096);
          c.copyFrom(m.data);
          copies.add(
              new M(
                  m.type,
                  c,
                  m.rows,
                  m.cols,
                  Matrices.of(m.type, c, m.rows, m.cols, one, KernelBackend.VECTOR)));
          if (m.type == GgmlType.Q8_0) {
            int nb = m.cols / 32;
            MemorySegment q =
                java.lang.foreign.Arena.global().allocate((long) m.rows * m.cols, 4096);
            float[] sc = new float[m.rows * nb];
            for (long i = 0; i < (long) m.rows * nb; i++) {
              MemorySegment.copy(m.data, 34 * i + 2, q, 32 * i, 32);
              sc[(int) i] = f16(m.data, 34 * i);
            }
            qss.add(q);
            scs.add(sc);
          } else {
            qss.add(null);
            scs.add(null);
          }
        }
      }
      for (int round = 0; round < rounds; round++) {
        StringBuilder sb = new StringBuilder("round " + round + ":");
        for (String v : variants) {
          if (!only.isEmpty() && !v.equals("engine") && !only.contains(v)) {
            continue;
          }
          int reps = 8;
          var bean = java.lang.management.ManagementFactory.getThreadMXBean();
          long c0 = bean.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          for (int k = 0; k < reps; k++) {
            if (v.equals("engine")) {
              if (seq.length() > 200) {
                seq.truncate(8);
              }
              logits = seq.forward(new int[] {Sampler.argmax(logits)}, false);
            } else if (v.startsWith("a")) {
              for (int i = 0; i < copies.size(); i++) {
                M m = copies.get(i);
                if (v.equals("arp") && qss.get(i) != null) {
                  rp(qss.get(i), scs.get(i), m.rows, m.cols, x, out);
                } else if (v.equals("arp2") && qss.get(i) != null) {
                  rp2(qss.get(i), scs.get(i), m.rows, m.cols, x, out);
                } else {
                  run(v.substring(1), m, x, out);
                }
              }
            } else if (v.equals("int8")) {
              for (M m : int8) {
                m.matrix.matvec(x, 0, out, 0);
              }
            } else if (v.contains("-")) {
              // one matrix repeated for as many weights as a step: layer 0's attn_k (kvDim × dim)
              // is in L2, ffn_up (l3u) and ffn_down (l3d) in L3
              String where = v.substring(0, v.indexOf('-'));
              M m = ms.get(where.equals("cache") ? 1 : where.equals("l3u") ? 5 : 6);
              long total = ms.stream().mapToLong(e -> (long) e.rows * e.cols).sum();
              long times = total / ((long) m.rows * m.cols);
              for (long t = 0; t < times; t++) {
                run(v.substring(v.indexOf('-') + 1), m, x, out);
              }
            } else {
              for (M m : ms) {
                run(v, m, x, out);
              }
            }
          }
          double ms1 = (System.nanoTime() - t0) / 1e6 / reps;
          double cpu = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
          sb.append(String.format(Locale.ROOT, "  %s %.1f (cpu %.1f)", v, ms1, cpu));
        }
        System.out.println(sb);
      }
    }
  }

  private static M m(GgufFile file, String name, Parallel p) {
    GgufTensorInfo t = file.tensor(name);
    MemorySegment d = file.data(t);
    int rows = (int) t.rows();
    int cols = (int) t.columns();
    return new M(
        t.type(), d, rows, cols, Matrices.of(t.type(), d, rows, cols, p, KernelBackend.VECTOR));
  }

  private static void run(String v, M m, float[] x, float[] out) {
    switch (v) {
      case "matvec" -> m.matrix.matvec(x, 0, out, 0);
      case "sum" -> out[0] += sum(m.data);
      case "r4b" -> {
        if (m.type == GgmlType.Q8_0) q8Rows4b(m.data, m.rows, m.cols, x, out);
        else m.matrix.matvec(x, 0, out, 0);
      }
      case "r2b" -> {
        if (m.type == GgmlType.Q8_0) q8Rows2b(m.data, m.rows, m.cols, x, out);
        else m.matrix.matvec(x, 0, out, 0);
      }
      case "r2next" -> {
        if (m.type == GgmlType.Q8_0) q8Rows2Next(m.data, m.rows, m.cols, x, out);
        else m.matrix.matvec(x, 0, out, 0);
      }
      case "t512" -> touchOr(m, x, out, 512);
      case "t1024" -> touchOr(m, x, out, 1024);
      case "t2048" -> touchOr(m, x, out, 2048);
      case "t4096" -> touchOr(m, x, out, 4096);
      case "t8192" -> touchOr(m, x, out, 8192);
      case "r2t1024" -> {
        if (m.type == GgmlType.Q8_0) q8Rows2Touch(m.data, m.rows, m.cols, x, out, 1024);
        else m.matrix.matvec(x, 0, out, 0);
      }
      case "r2t2048" -> {
        if (m.type == GgmlType.Q8_0) q8Rows2Touch(m.data, m.rows, m.cols, x, out, 2048);
        else m.matrix.matvec(x, 0, out, 0);
      }
      case "rows2" -> {
        if (m.type == GgmlType.Q8_0) q8Rows2(m.data, m.rows, m.cols, x, out);
        else if (m.type == GgmlType.Q4_0) q4Rows2(m.data, m.rows, m.cols, x, out);
        else m.matrix.matvec(x, 0, out, 0);
      }
      case "rows4" -> {
        if (m.type == GgmlType.Q8_0) q8Rows4(m.data, m.rows, m.cols, x, out);
        else m.matrix.matvec(x, 0, out, 0);
      }
      case "acc2" -> {
        if (m.type == GgmlType.Q8_0) q8Acc2(m.data, m.rows, m.cols, x, out);
        else m.matrix.matvec(x, 0, out, 0);
      }
      default -> throw new IllegalArgumentException(v);
    }
  }

  static int sink;

  /** Rows in pairs, touching one byte per cache line of the next pair before computing this one. */
  static void q8Rows2Next(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 34L * (cols / 32);
    int t = 0;
    for (int r = 0; r + 1 < rows; r += 2) {
      long next = (r + 2) * rb;
      if (r + 3 < rows) {
        for (long c = 0; c < 2 * rb; c += 64) {
          t ^= w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, next + c);
        }
      }
      VectorBlockKernels.Q8_0.dot2(w, r * rb, rb, x, 0, cols, out, r);
    }
    sink += t;
  }

  private static boolean variantsHave(String prefix) {
    for (String v : System.getProperty("variants", "").split(",")) {
      if (v.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static void rp(MemorySegment q, float[] sc, int rows, int cols, float[] x, float[] out) {
    int nb = cols / 32;
    for (int r = 0; r < rows; r++) {
      long o = (long) r * cols;
      int so = r * nb;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        long p = o + 32L * b;
        FloatVector s = bytes(q, p).mul(FloatVector.fromArray(F, x, 32 * b));
        s = bytes(q, p + 16).fma(FloatVector.fromArray(F, x, 32 * b + 16), s);
        acc = s.fma(FloatVector.broadcast(F, sc[so + b]), acc);
      }
      out[r] = acc.reduceLanes(VectorOperators.ADD);
    }
  }

  static void rp2(MemorySegment q, float[] sc, int rows, int cols, float[] x, float[] out) {
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 2) {
      long o = (long) r * cols;
      int so = r * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        long p = o + 32L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        FloatVector s = bytes(q, p).mul(x0);
        s = bytes(q, p + 16).fma(x1, s);
        a0 = s.fma(FloatVector.broadcast(F, sc[so + b]), a0);
        FloatVector t = bytes(q, p + cols).mul(x0);
        t = bytes(q, p + cols + 16).fma(x1, t);
        a1 = t.fma(FloatVector.broadcast(F, sc[so + nb + b]), a1);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
    }
  }

  private static FloatVector q8b(
      MemorySegment w, long p, FloatVector x0, FloatVector x1, FloatVector acc) {
    FloatVector s = bytes(w, p + 2).mul(x0);
    s = bytes(w, p + 18).fma(x1, s);
    return s.fma(FloatVector.broadcast(F, f16(w, p)), acc);
  }

  static void q8Rows4b(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 34L * (cols / 32);
    int blocks = cols / 32;
    int r = 0;
    for (; r + 3 < rows; r += 4) {
      long o = r * rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long q = o + 34L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8b(w, q, x0, x1, a0);
        a1 = q8b(w, q + rb, x0, x1, a1);
        a2 = q8b(w, q + 2 * rb, x0, x1, a2);
        a3 = q8b(w, q + 3 * rb, x0, x1, a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
    for (; r < rows; r++) {
      out[r] = VectorBlockKernels.Q8_0.dot(w, r * rb, x, 0, cols);
    }
  }

  static void q8Rows2b(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 34L * (cols / 32);
    int blocks = cols / 32;
    int r = 0;
    for (; r + 1 < rows; r += 2) {
      long o = r * rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long q = o + 34L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8b(w, q, x0, x1, a0);
        a1 = q8b(w, q + rb, x0, x1, a1);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
    }
    for (; r < rows; r++) {
      out[r] = VectorBlockKernels.Q8_0.dot(w, r * rb, x, 0, cols);
    }
  }

  private static void touchOr(M m, float[] x, float[] out, int d) {
    if (m.type == GgmlType.Q8_0) q8Touch(m.data, m.rows, m.cols, x, out, d);
    else if (m.type == GgmlType.Q4_0) q4Touch(m.data, m.rows, m.cols, x, out, d);
    else m.matrix.matvec(x, 0, out, 0);
  }

  static void q8Touch(MemorySegment w, int rows, int cols, float[] x, float[] out, int d) {
    long rb = 34L * (cols / 32);
    int blocks = cols / 32;
    long last = w.byteSize() - 1;
    int t = 0;
    for (int r = 0; r < rows; r++) {
      long o = r * rb;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + 34L * b;
        t ^= w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, Math.min(p + d, last));
        acc = q8Sum(w, p, x, 32 * b).fma(FloatVector.broadcast(F, f16(w, p)), acc);
      }
      out[r] = acc.reduceLanes(VectorOperators.ADD);
    }
    sink += t;
  }

  static void q4Touch(MemorySegment w, int rows, int cols, float[] x, float[] out, int d) {
    long rb = 18L * (cols / 32);
    int blocks = cols / 32;
    long last = w.byteSize() - 1;
    int t = 0;
    for (int r = 0; r < rows; r++) {
      long o = r * rb;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + 18L * b;
        t ^= w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, Math.min(p + d, last));
        acc = q4Sum(w, p, x, 32 * b).fma(FloatVector.broadcast(F, f16(w, p)), acc);
      }
      out[r] = acc.reduceLanes(VectorOperators.ADD);
    }
    sink += t;
  }

  static void q8Rows2Touch(MemorySegment w, int rows, int cols, float[] x, float[] out, int d) {
    long rb = 34L * (cols / 32);
    int blocks = cols / 32;
    long last = w.byteSize() - 1;
    int t = 0;
    int r = 0;
    for (; r + 1 < rows; r += 2) {
      long o0 = r * rb;
      long o1 = o0 + rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p0 = o0 + 34L * b;
        long p1 = o1 + 34L * b;
        int xi = 32 * b;
        t ^= w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, Math.min(p1 + d, last));
        a0 = q8Sum(w, p0, x, xi).fma(FloatVector.broadcast(F, f16(w, p0)), a0);
        a1 = q8Sum(w, p1, x, xi).fma(FloatVector.broadcast(F, f16(w, p1)), a1);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
    }
    for (; r < rows; r++) {
      out[r] = VectorBlockKernels.Q8_0.dot(w, r * rb, x, 0, cols);
    }
    sink += t;
  }

  private static FloatVector q8Sum(MemorySegment w, long p, float[] x, int xi) {
    FloatVector s = bytes(w, p + 2).mul(FloatVector.fromArray(F, x, xi));
    for (int c = L; c < 32; c += L) {
      s = bytes(w, p + 2 + c).fma(FloatVector.fromArray(F, x, xi + c), s);
    }
    return s;
  }

  static void q8Rows2(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 34L * (cols / 32);
    int blocks = cols / 32;
    int r = 0;
    for (; r + 1 < rows; r += 2) {
      long o0 = r * rb;
      long o1 = o0 + rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p0 = o0 + 34L * b;
        long p1 = o1 + 34L * b;
        int xi = 32 * b;
        a0 = q8Sum(w, p0, x, xi).fma(FloatVector.broadcast(F, f16(w, p0)), a0);
        a1 = q8Sum(w, p1, x, xi).fma(FloatVector.broadcast(F, f16(w, p1)), a1);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
    }
    for (; r < rows; r++) {
      out[r] = VectorBlockKernels.Q8_0.dot(w, r * rb, x, 0, cols);
    }
  }

  static void q8Rows4(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 34L * (cols / 32);
    int blocks = cols / 32;
    int r = 0;
    for (; r + 3 < rows; r += 4) {
      long o0 = r * rb;
      long o1 = o0 + rb;
      long o2 = o1 + rb;
      long o3 = o2 + rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long q = 34L * b;
        int xi = 32 * b;
        a0 = q8Sum(w, o0 + q, x, xi).fma(FloatVector.broadcast(F, f16(w, o0 + q)), a0);
        a1 = q8Sum(w, o1 + q, x, xi).fma(FloatVector.broadcast(F, f16(w, o1 + q)), a1);
        a2 = q8Sum(w, o2 + q, x, xi).fma(FloatVector.broadcast(F, f16(w, o2 + q)), a2);
        a3 = q8Sum(w, o3 + q, x, xi).fma(FloatVector.broadcast(F, f16(w, o3 + q)), a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
    for (; r < rows; r++) {
      out[r] = VectorBlockKernels.Q8_0.dot(w, r * rb, x, 0, cols);
    }
  }

  static void q8Acc2(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 34L * (cols / 32);
    int pairs = cols / 64;
    for (int r = 0; r < rows; r++) {
      long o = r * rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < pairs; b++) {
        long p0 = o + 68L * b;
        long p1 = p0 + 34;
        int xi = 64 * b;
        a0 = q8Sum(w, p0, x, xi).fma(FloatVector.broadcast(F, f16(w, p0)), a0);
        a1 = q8Sum(w, p1, x, xi + 32).fma(FloatVector.broadcast(F, f16(w, p1)), a1);
      }
      out[r] = a0.add(a1).reduceLanes(VectorOperators.ADD);
    }
  }

  private static FloatVector q4Sum(MemorySegment w, long p, float[] x, int xi) {
    FloatVector s = FloatVector.zero(F);
    for (int c = 0; c < 16; c += L) {
      IntVector q = ints(w, p + 2 + c);
      s = floats(q.and(0x0F).sub(8)).fma(FloatVector.fromArray(F, x, xi + c), s);
      s =
          floats(q.lanewise(VectorOperators.LSHR, 4).and(0x0F).sub(8))
              .fma(FloatVector.fromArray(F, x, xi + 16 + c), s);
    }
    return s;
  }

  static void q4Rows2(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 18L * (cols / 32);
    int blocks = cols / 32;
    int r = 0;
    for (; r + 1 < rows; r += 2) {
      long o0 = r * rb;
      long o1 = o0 + rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p0 = o0 + 18L * b;
        long p1 = o1 + 18L * b;
        int xi = 32 * b;
        a0 = q4Sum(w, p0, x, xi).fma(FloatVector.broadcast(F, f16(w, p0)), a0);
        a1 = q4Sum(w, p1, x, xi).fma(FloatVector.broadcast(F, f16(w, p1)), a1);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
    }
    for (; r < rows; r++) {
      out[r] = VectorBlockKernels.Q4_0.dot(w, r * rb, x, 0, cols);
    }
  }

  private static float sum(MemorySegment w) {
    jdk.incubator.vector.ByteVector acc =
        jdk.incubator.vector.ByteVector.zero(jdk.incubator.vector.ByteVector.SPECIES_512);
    long n = w.byteSize() & ~255L;
    for (long i = 0; i < n; i += 256) {
      acc =
          acc.add(
                  jdk.incubator.vector.ByteVector.fromMemorySegment(
                      jdk.incubator.vector.ByteVector.SPECIES_512, w, i, VectorShapes.LE))
              .add(
                  jdk.incubator.vector.ByteVector.fromMemorySegment(
                      jdk.incubator.vector.ByteVector.SPECIES_512, w, i + 64, VectorShapes.LE))
              .add(
                  jdk.incubator.vector.ByteVector.fromMemorySegment(
                      jdk.incubator.vector.ByteVector.SPECIES_512, w, i + 128, VectorShapes.LE))
              .add(
                  jdk.incubator.vector.ByteVector.fromMemorySegment(
                      jdk.incubator.vector.ByteVector.SPECIES_512, w, i + 192, VectorShapes.LE));
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }
}
