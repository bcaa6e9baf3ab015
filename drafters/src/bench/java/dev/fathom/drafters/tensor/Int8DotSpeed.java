package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * One 2048x5632 Q8_0 matvec, the float path and the {@link Int8Dot} path alternating in one
 * process; not a test. Run after {@code mvn -pl drafters test-compile -Pkernel-bench} with the class path of
 * {@link KernelSpeed}: {@code dev.fathom.drafters.tensor.Int8DotSpeed [threads] [rounds]}. Prints
 * the median and range of microseconds per call of each path over the rounds.
 */
public final class Int8DotSpeed {
  private Int8DotSpeed() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int rows = 2048;
    int cols = 5632;
    try (Parallel parallel = new Parallel(threads)) {
      for (GgmlType type : new GgmlType[] {GgmlType.Q8_0}) {
        MemorySegment source = RandomWeights.of(type, (long) rows * cols, new Random(1));
        int copies = (int) (128L * 1024 * 1024 / source.byteSize()) + 1;
        Matrix[][] paths = new Matrix[2][copies];
        for (int i = 0; i < copies; i++) {
          MemorySegment m = Arena.ofAuto().allocate(source.byteSize(), 64).copyFrom(source);
          paths[0][i] = Matrices.of(type, m, rows, cols, parallel, KernelBackend.VECTOR, false);
          paths[1][i] = Matrices.of(type, m, rows, cols, parallel, KernelBackend.VECTOR, true);
        }
        float[] x = RandomWeights.floats(cols, new Random(2));
        float[] out = new float[rows];
        double[][] us = new double[2][rounds];
        for (int warm = 0; warm < 2; warm++) {
          time(paths[0], x, out);
          time(paths[1], x, out);
        }
        for (int r = 0; r < rounds; r++) {
          us[0][r] = time(paths[0], x, out);
          us[1][r] = time(paths[1], x, out);
        }
        for (int p = 0; p < 2; p++) {
          Arrays.sort(us[p]);
        }
        System.out.printf(
            Locale.ROOT,
            "%s %dx%d threads=%d  float %.0f us [%.0f..%.0f]  int8 %.0f us [%.0f..%.0f]"
                + "  int8/float %.2f%n",
            type,
            rows,
            cols,
            threads,
            us[0][rounds / 2],
            us[0][0],
            us[0][rounds - 1],
            us[1][rounds / 2],
            us[1][0],
            us[1][rounds - 1],
            us[1][rounds / 2] / us[0][rounds / 2]);
      }
    }
  }

  /** Microseconds per call over about half a second of calls cycling through the copies. */
  private static double time(Matrix[] ms, float[] x, float[] out) {
    long t0 = System.nanoTime();
    long end = t0 + 500_000_000L;
    long calls = 0;
    while (System.nanoTime() < end) {
      for (Matrix m : ms) {
        m.matvec(x, 0, out, 0);
        calls++;
      }
    }
    return (System.nanoTime() - t0) / 1e3 / calls;
  }
}
