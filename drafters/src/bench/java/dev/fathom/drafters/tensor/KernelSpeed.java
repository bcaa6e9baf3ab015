package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of the matrix kernels; not a test. Run after {@code mvn -pl drafters test-compile -Pkernel-bench}:
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -Xmx3g \
 *   -cp drafters/target/classes:drafters/target/test-classes:$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/*.jar) \
 *   dev.fathom.drafters.tensor.KernelSpeed [matvec|matmul]...
 * </pre>
 *
 * Matvec reports GB/s of weights streamed. Several copies of each matrix, together well over the 36
 * MB L3 of the test machine, are used in turn so the numbers are DRAM bandwidth, not cache. Matmul
 * reports GFLOP/s ({@code 2 · rows · cols · n} per call).
 */
public final class KernelSpeed {
  private static final long WORKING_SET = 256L << 20;
  private static final KernelBackend BACKEND =
      KernelBackend.vectorUnavailableReason() == null ? KernelBackend.VECTOR : KernelBackend.SCALAR;

  private KernelSpeed() {}

  public static void main(String[] args) {
    String what = args.length == 0 ? "matvec,matmul" : String.join(",", args);
    System.out.println("backend " + BACKEND + ", " + VectorShapes.F);
    int[][] shapes = {{5632, 2048}, {32000, 2048}};
    GgmlType[] types = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.F16};
    if (what.contains("matvec")) {
      for (int threads = 1; threads <= 2; threads++) {
        try (Parallel parallel = new Parallel(threads)) {
          for (int[] shape : shapes) {
            for (GgmlType type : types) {
              matvec(type, shape[0], shape[1], parallel);
            }
          }
        }
      }
    }
    if (what.contains("matmul")) {
      for (int threads = 1; threads <= 2; threads++) {
        try (Parallel parallel = new Parallel(threads)) {
          for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            matmul(type, 5632, 2048, 128, parallel);
          }
        }
      }
    }
  }

  private static Matrix[] copies(GgmlType type, int rows, int cols, Parallel parallel, int count) {
    MemorySegment source = RandomWeights.of(type, (long) rows * cols, new Random(1));
    Matrix[] matrices = new Matrix[count];
    for (int i = 0; i < count; i++) {
      MemorySegment native_ = Arena.ofAuto().allocate(source.byteSize(), 64);
      native_.copyFrom(source);
      matrices[i] = Matrices.of(type, native_, rows, cols, parallel, BACKEND);
    }
    return matrices;
  }

  private static void matvec(GgmlType type, int rows, int cols, Parallel parallel) {
    long bytes = type.byteSize((long) rows * cols);
    Matrix[] ms = copies(type, rows, cols, parallel, (int) Math.max(2, WORKING_SET / bytes + 1));
    float[] x = RandomWeights.floats(cols, new Random(2));
    float[] out = new float[rows];
    run(ms, x, out, 1_000_000_000L);
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    long calls = run(ms, x, out, 2_000_000_000L);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "matvec %-5s %5dx%d threads=%d  %6.1f GB/s  %7.1f us/call  (%5.1f GB per cpu-s)%n",
        type,
        rows,
        cols,
        parallel.threads(),
        bytes * calls / seconds / 1e9,
        seconds / calls * 1e6,
        bytes * calls / cpuSeconds / 1e9);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long run(Matrix[] ms, float[] x, float[] out, long nanos) {
    long end = System.nanoTime() + nanos;
    long calls = 0;
    while (System.nanoTime() < end) {
      for (Matrix m : ms) {
        m.matvec(x, 0, out, 0);
        calls++;
      }
    }
    return calls;
  }

  private static void matmul(GgmlType type, int rows, int cols, int n, Parallel parallel) {
    Matrix m = copies(type, rows, cols, parallel, 1)[0];
    float[] x = RandomWeights.floats(n * cols, new Random(3));
    float[] out = new float[n * rows];
    for (int i = 0; i < 3; i++) {
      m.matmul(x, n, out);
    }
    int calls = 0;
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    long end = t0 + 3_000_000_000L;
    while (System.nanoTime() < end) {
      m.matmul(x, n, out);
      calls++;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
    double flops = 2.0 * rows * cols * n * calls;
    System.out.printf(
        Locale.ROOT,
        "matmul %-5s %5dx%d n=%d threads=%d  %6.1f GFLOP/s  %7.1f ms/call  (%5.1f GFLOP per cpu-s)%n",
        type,
        rows,
        cols,
        n,
        parallel.threads(),
        flops / seconds / 1e9,
        seconds / calls * 1e3,
        flops / cpuSeconds / 1e9);
  }
}
