package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What bounds two-thread decode; not a test. Three measurements over synthetic weights of
 * TinyLlama's shapes (docs/performance.md, "Two-thread decode: what bounds it"). Run after {@code
 * mvn -B -ntp -o -q -pl drafters -am test-compile -Pkernel-bench}:
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -Xmx6g \
 *   -cp drafters/target/classes:drafters/target/test-classes:$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/*.jar) \
 *   dev.fathom.drafters.tensor.TwoThreadDecode pass|apart|split Q4_0|Q8_0|Q4_K
 * </pre>
 *
 * <ul>
 *   <li>{@code pass}: the 22 layers' matrix–vector products of one decode step (q, k, v, o, gate,
 *       up, down; no attention, norms or logits) on a 1-thread and a 2-thread {@link Parallel},
 *       100 warm-up then 100 timed steps, twice; µs per product of each shape.
 *   <li>{@code apart}: two sets of 40 half-gate matrices (2816 × 2048), each thread with its own
 *       1-thread pool and its own set: one thread alone, then both at once. Whether the machine
 *       gives two threads twice the work of one, without the pool in between.
 *   <li>{@code split}: the same two sets through one 2-thread pool, one matrix of each set per
 *       call: when each thread starts and ends its chunk within the call, then the same with the
 *       sets swapped between the threads ({@code flip}), which tells a slow thread from a slow set.
 * </ul>
 *
 * <p>The first round of {@code apart} and {@code split} runs code the JIT has not compiled yet and
 * is marked as warm-up; {@code pass} warms up for 100 steps per pool, but its first round may
 * still run code that is not fully compiled (docs/performance.md).
 */
public final class TwoThreadDecode {
  private static final int LAYERS = 22;

  private record Shape(String name, int rows, int cols, int perLayer) {}

  private static final Shape[] SHAPES = {
    new Shape("q,o 2048x2048", 2048, 2048, 2),
    new Shape("k,v 256x2048", 256, 2048, 2),
    new Shape("gate,up 5632x2048", 5632, 2048, 2),
    new Shape("down 2048x5632", 2048, 5632, 1),
  };

  private TwoThreadDecode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: TwoThreadDecode pass|apart|split Q4_0|Q8_0|Q4_K");
      System.exit(2);
    }
    GgmlType type = GgmlType.valueOf(args[1]);
    switch (args[0]) {
      case "pass" -> pass(type);
      case "apart" -> apart(type);
      case "split" -> split(type);
      default -> throw new IllegalArgumentException("unknown measurement " + args[0]);
    }
    System.exit(0);
  }

  private static void pass(GgmlType type) {
    int steps = 100;
    for (int round = 0; round < 2; round++) {
      for (int threads = 1; threads <= 2; threads++) {
        try (Arena arena = Arena.ofShared();
            Parallel parallel = new Parallel(threads)) {
          Random random = new Random(1);
          List<Matrix[]> matrices = new ArrayList<>();
          for (Shape s : SHAPES) {
            Matrix[] m = new Matrix[LAYERS * s.perLayer()];
            for (int i = 0; i < m.length; i++) {
              m[i] = matrix(type, s.rows(), s.cols(), arena, random, parallel);
            }
            matrices.add(m);
          }
          float[] x = new float[5632];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
          }
          float[] out = new float[5632];
          long[] nanos = new long[SHAPES.length];
          for (int step = 0; step < 2 * steps; step++) {
            for (int layer = 0; layer < LAYERS; layer++) {
              for (int k = 0; k < SHAPES.length; k++) {
                for (int j = 0; j < SHAPES[k].perLayer(); j++) {
                  long t0 = System.nanoTime();
                  matrices.get(k)[layer * SHAPES[k].perLayer() + j].matvec(x, 0, out, 0);
                  if (step >= steps) {
                    nanos[k] += System.nanoTime() - t0;
                  }
                }
              }
            }
          }
          StringBuilder line =
              new StringBuilder(
                  String.format(
                      Locale.ROOT,
                      "%s, %d thread%s: %.2f ms per step",
                      type,
                      threads,
                      threads == 1 ? "" : "s",
                      Arrays.stream(nanos).sum() / 1e6 / steps));
          for (int k = 0; k < SHAPES.length; k++) {
            double perCall = nanos[k] / 1e3 / steps / LAYERS / SHAPES[k].perLayer();
            line.append(String.format(Locale.ROOT, " | %s %.1f µs", SHAPES[k].name(), perCall));
          }
          System.out.println(line);
        }
      }
    }
  }

  private static void apart(GgmlType type) throws Exception {
    Arena arena = Arena.ofShared();
    Random random = new Random(2);
    Parallel[] own = {new Parallel(1), new Parallel(1)};
    Matrix[][] sets = new Matrix[2][40];
    for (int t = 0; t < 2; t++) {
      for (int i = 0; i < sets[t].length; i++) {
        sets[t][i] = matrix(type, 2816, 2048, arena, random, own[t]);
      }
    }
    long bytes = type.byteSize(2048) * 2816L * sets[0].length;
    int passes = 50;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 4; round++) {
        for (int threads = 1; threads <= 2; threads++) {
          CyclicBarrier start = new CyclicBarrier(threads);
          List<Future<Long>> timings = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            Matrix[] set = sets[t];
            timings.add(
                pool.submit(
                    () -> {
                      float[] x = new float[2048];
                      Arrays.fill(x, 0.5f);
                      float[] out = new float[2816];
                      start.await();
                      long t0 = System.nanoTime();
                      for (int p = 0; p < passes; p++) {
                        for (Matrix m : set) {
                          m.matvec(x, 0, out, 0);
                        }
                      }
                      return System.nanoTime() - t0;
                    }));
          }
          StringBuilder line =
              new StringBuilder(
                  String.format(
                      Locale.ROOT,
                      "%s%s 2816x2048, %d thread%s at once:",
                      round == 0 ? "(warm-up) " : "",
                      type,
                      threads,
                      threads == 1 ? "" : "s"));
          for (Future<Long> f : timings) {
            long ns = f.get();
            line.append(
                String.format(
                    Locale.ROOT,
                    " %.1f µs per product (%.1f GB/s)",
                    ns / 1e3 / passes / sets[0].length,
                    bytes * (double) passes / ns));
          }
          System.out.println(line);
        }
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void split(GgmlType type) {
    Arena arena = Arena.ofShared();
    Random random = new Random(2);
    Parallel inline = new Parallel(1);
    Matrix[][] pairs = new Matrix[40][2];
    for (Matrix[] pair : pairs) {
      for (int t = 0; t < 2; t++) {
        pair[t] = matrix(type, 2816, 2048, arena, random, inline);
      }
    }
    float[] x = new float[2048];
    Arrays.fill(x, 0.5f);
    float[][] out = {new float[2816], new float[2816]};
    long[] began = new long[2];
    long[] ended = new long[2];
    try (Parallel parallel = new Parallel(2)) {
      for (int flip = 0; flip < 2; flip++) {
        for (int round = 0; round < 4; round++) {
          long call = 0;
          long[] sums = new long[4];
          int calls = 0;
          for (int p = 0; p < 50; p++) {
            for (Matrix[] pair : pairs) {
              int swap = flip;
              long t0 = System.nanoTime();
              parallel.forRange(
                  0,
                  2,
                  (from, to) -> {
                    long s = System.nanoTime();
                    pair[from ^ swap].matvec(x, 0, out[from], 0);
                    began[from] = s;
                    ended[from] = System.nanoTime();
                  });
              long t1 = System.nanoTime();
              call += t1 - t0;
              sums[0] += began[0] - t0;
              sums[1] += ended[0] - t0;
              sums[2] += began[1] - t0;
              sums[3] += ended[1] - t0;
              calls++;
            }
          }
          System.out.printf(
              Locale.ROOT,
              "%s%s, sets %s: call %.1f µs | caller runs set %d from %.1f to %.1f µs | worker runs"
                  + " set %d from %.1f to %.1f µs%n",
              flip == 0 && round == 0 ? "(warm-up) " : "",
              type,
              flip == 0 ? "in order" : "swapped",
              call / 1e3 / calls,
              flip,
              sums[0] / 1e3 / calls,
              sums[1] / 1e3 / calls,
              1 - flip,
              sums[2] / 1e3 / calls,
              sums[3] / 1e3 / calls);
        }
      }
    }
  }

  /** A native copy of {@link RandomWeights} of {@code type}, as a matrix on {@code parallel}. */
  private static Matrix matrix(
      GgmlType type, int rows, int cols, Arena arena, Random random, Parallel parallel) {
    MemorySegment weights = RandomWeights.of(type, (long) rows * cols, random);
    MemorySegment data = arena.allocate(weights.byteSize(), 64).copyFrom(weights);
    return Matrices.of(type, data, rows, cols, parallel, KernelBackend.VECTOR);
  }
}
