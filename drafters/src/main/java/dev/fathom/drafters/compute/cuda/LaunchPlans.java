package dev.fathom.drafters.compute.cuda;

/**
 * The launch plan of every kernel of the CUDA backend, from the constants the {@code .cu} sources
 * in {@code drafters/src/main/cuda} are written for. Plain arithmetic, so it is unit-tested on the
 * CPU ({@code LaunchPlansTest} emulates each kernel's indexing over the plan and checks that every
 * output is computed exactly once).
 */
public final class LaunchPlans {
  /** {@code MATMUL_WARPS} in matmul.cu: output rows per block, one warp each. */
  public static final int MATMUL_WARPS = 4;

  /** {@code MATMUL_POSITIONS} in matmul.cu: batch positions one warp serves per weight read. */
  public static final int MATMUL_POSITIONS = 8;

  /** Threads per warp. */
  public static final int WARP = 32;

  /** {@code NORM_THREADS} in ops.cu. */
  public static final int NORM_THREADS = 256;

  /** {@code ATTENTION_THREADS} in attention.cu. */
  public static final int ATTENTION_THREADS = 128;

  /** Threads per block of the element-wise kernels (any multiple of 32 up to 1,024 would do). */
  public static final int ELEMENT_THREADS = 256;

  /** Threads per block of the embedding copy. */
  public static final int EMBED_THREADS = 256;

  private LaunchPlans() {}

  /** {@code matmul_<type>}: {@code rows} outputs for each of {@code n} positions. */
  public static LaunchPlan matmul(int rows, int n) {
    positive("rows", rows);
    positive("n", n);
    return new LaunchPlan(
        ceilDiv(rows, MATMUL_WARPS), ceilDiv(n, MATMUL_POSITIONS), 1, MATMUL_WARPS * WARP);
  }

  /** {@code embed_<type>}: one block per token. */
  public static LaunchPlan embed(int tokens) {
    positive("tokens", tokens);
    return new LaunchPlan(tokens, 1, 1, EMBED_THREADS);
  }

  /** {@code rms_norm}: one block per row. */
  public static LaunchPlan rmsNorm(int rows) {
    positive("rows", rows);
    return new LaunchPlan(rows, 1, 1, NORM_THREADS);
  }

  /** One thread per element: {@code swiglu}, {@code add}, {@code add_bias}. */
  public static LaunchPlan elementwise(long elements) {
    positive("elements", elements);
    long blocks = ceilDiv(elements, ELEMENT_THREADS);
    if (blocks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          elements + " elements need more than " + Integer.MAX_VALUE + " blocks");
    }
    return new LaunchPlan((int) blocks, 1, 1, ELEMENT_THREADS);
  }

  /** {@code rope}: one thread per rotated pair. */
  public static LaunchPlan rope(int n, int heads, int half) {
    return elementwise((long) n * heads * half);
  }

  /** {@code attention}: block (h, i) for query head h of batch row i. */
  public static LaunchPlan attention(int heads, int n) {
    positive("heads", heads);
    positive("n", n);
    return new LaunchPlan(heads, n, 1, ATTENTION_THREADS);
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " = " + value + ": must be ≥ 1");
    }
  }
}
