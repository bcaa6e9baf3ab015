package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GFLOP/s of the batched products alone, {@link VectorBatchProduct} (dot-product tiles) against
 * {@link PackedBatchProduct} (outer-product tiles), alternating round by round in one JVM, and the
 * float FMA peak of one thread (16 independent register accumulators); not a test. Run as {@link
 * KernelSpeed} is, with {@code dev.fathom.drafters.tensor.BatchProductSpeed [threads] [rounds]
 * [type]}; {@code -Dkc=N} compares the packed kernel with column blocks of N instead.
 *
 * <p>Shapes: TinyLlama's down projection (2048 × 5632) and gate/up projection (5632 × 2048), at 128
 * and 256 positions (a 512-token prompt is prefilled in chunks of 256), in cache (one matrix) and
 * streamed (8 copies, well over the L3).
 */
public final class BatchProductSpeed {
  private BatchProductSpeed() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    GgmlType type = args.length > 2 ? GgmlType.valueOf(args[2]) : GgmlType.Q8_0;
    System.out.printf(Locale.ROOT, "%s, %d threads, %s%n", F, threads, type);
    System.out.printf(Locale.ROOT, "peak FMA one thread: %.1f GFLOP/s%n", peak());
    int otherKc = Integer.getInteger("kc", 0); // compare two column blocks instead
    BatchProduct[] kernels = {
      otherKc > 0 ? new PackedBatchProduct(otherKc) : new VectorBatchProduct(),
      new PackedBatchProduct()
    };
    String[] names = {otherKc > 0 ? "kc=" + otherKc : "tiled-dot", "packed"};
    int[][] shapes = {{2048, 5632}, {5632, 2048}};
    try (Parallel parallel = new Parallel(threads)) {
      for (int[] shape : shapes) {
        for (int copies : new int[] {1, 8}) {
          Case c = new Case(type, shape[0], shape[1], copies);
          for (int n : new int[] {128, 256}) {
            float[] x = RandomWeights.floats(n * c.cols, new Random(3));
            float[][] outs = {new float[n * c.rows], new float[n * c.rows]};
            for (int k = 0; k < 2; k++) {
              c.run(kernels[k], parallel, x, n, outs[k], 0);
            }
            double diff = relDiff(outs[0], outs[1]);
            double[][] gf = new double[2][rounds];
            for (int round = 0; round < rounds; round++) {
              for (int k0 = 0; k0 < 2; k0++) {
                int k = (round + k0) % 2;
                gf[k][round] = c.gflops(kernels[k], parallel, x, n, outs[k]);
              }
            }
            for (int k = 0; k < 2; k++) {
              double[] s = gf[k].clone();
              Arrays.sort(s);
              System.out.printf(
                  Locale.ROOT,
                  "%dx%d n=%d %s %-9s median %6.1f GFLOP/s [%6.1f..%6.1f]%s%n",
                  c.rows,
                  c.cols,
                  n,
                  copies == 1 ? "cached  " : "streamed",
                  names[k],
                  s[s.length / 2],
                  s[0],
                  s[s.length - 1],
                  k == 1 ? String.format(Locale.ROOT, "  max diff %.2e of max |out|", diff) : "");
            }
          }
        }
      }
    }
  }

  private static final class Case {
    final int rows;
    final int cols;
    final MemorySegment[] data;
    final TypeKernel kernel;
    final long rowBytes;
    int next;

    Case(GgmlType type, int rows, int cols, int copies) {
      this.rows = rows;
      this.cols = cols;
      this.kernel = Kernels.of(type, KernelBackend.VECTOR);
      this.rowBytes = type.byteSize(cols);
      MemorySegment source = RandomWeights.of(type, (long) rows * cols, new Random(1));
      data = new MemorySegment[copies];
      for (int i = 0; i < copies; i++) {
        data[i] = Arena.ofAuto().allocate(source.byteSize(), 64);
        data[i].copyFrom(source);
      }
    }

    void run(BatchProduct b, Parallel parallel, float[] x, int n, float[] out, int copy) {
      MemorySegment d = data[copy];
      int grain = b.rowGrain();
      int units = (rows + grain - 1) / grain;
      parallel.forRange(
          0,
          units,
          (from, to) ->
              b.multiply(
                  kernel,
                  d,
                  rowBytes,
                  rows,
                  cols,
                  from * grain,
                  Math.min(to * grain, rows),
                  x,
                  n,
                  out));
    }

    double gflops(BatchProduct b, Parallel parallel, float[] x, int n, float[] out) {
      long t0 = System.nanoTime();
      long end = t0 + 600_000_000L;
      int calls = 0;
      while (System.nanoTime() < end) {
        run(b, parallel, x, n, out, next);
        next = (next + 1) % data.length;
        calls++;
      }
      return 2.0 * rows * cols * n * calls / (System.nanoTime() - t0);
    }
  }

  static double relDiff(float[] a, float[] b) {
    double max = 0;
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i]));
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    return diff / max;
  }

  /** One thread's float FMA rate: 16 independent accumulators, no memory traffic. */
  static double peak() {
    float[] seed = new float[L];
    Arrays.fill(seed, 1e-3f);
    double best = 0;
    for (int round = 0; round < 400; round++) {
      long t0 = System.nanoTime();
      float r = fmaLoop(seed, 200_000);
      double s = (System.nanoTime() - t0) / 1e9;
      if (r == 42f) {
        System.out.println();
      }
      best = Math.max(best, 2.0 * 16 * L * 200_000 / s / 1e9);
    }
    return best;
  }

  private static float fmaLoop(float[] seed, int iters) {
    FloatVector m = FloatVector.fromArray(F, seed, 0);
    FloatVector a = FloatVector.broadcast(F, 0.999f);
    FloatVector c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m;
    FloatVector c8 = m, c9 = m, ca = m, cb = m, cc = m, cd = m, ce = m, cf = m;
    for (int i = 0; i < iters; i++) {
      c0 = c0.fma(a, m);
      c1 = c1.fma(a, m);
      c2 = c2.fma(a, m);
      c3 = c3.fma(a, m);
      c4 = c4.fma(a, m);
      c5 = c5.fma(a, m);
      c6 = c6.fma(a, m);
      c7 = c7.fma(a, m);
      c8 = c8.fma(a, m);
      c9 = c9.fma(a, m);
      ca = ca.fma(a, m);
      cb = cb.fma(a, m);
      cc = cc.fma(a, m);
      cd = cd.fma(a, m);
      ce = ce.fma(a, m);
      cf = cf.fma(a, m);
    }
    return c0.add(c1)
        .add(c2)
        .add(c3)
        .add(c4)
        .add(c5)
        .add(c6)
        .add(c7)
        .add(c8)
        .add(c9)
        .add(ca)
        .add(cb)
        .add(cc)
        .add(cd)
        .add(ce)
        .add(cf)
        .reduceLanes(VectorOperators.ADD);
  }
}
