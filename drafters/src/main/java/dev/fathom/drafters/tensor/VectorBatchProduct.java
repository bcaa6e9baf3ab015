package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Batched product as register-blocked dot products over dequantised rows, tiled for the caches (the
 * loop structure of Goto and van de Geijn, "Anatomy of high-performance matrix multiplication",
 * 2008, with the weights as the packed operand):
 *
 * <ul>
 *   <li>A panel of {@link #G} = 16 weight rows is dequantised once into a per-thread buffer
 *       (row-major, so no transpose; 16 × 5632 floats = 360 KB for TinyLlama's down projection,
 *       within a core's L2) and reused for every input.
 *   <li>The columns are walked in blocks of {@link #KC} = 512: the block of every input ({@code n ×
 *       512} floats, 512 KB at the 256-position prefill chunk) stays in L2 while all of the panel's
 *       rows pass over it, and the three input rows of a tile (6 KB) stay in L1 while the four
 *       4-row sub-panels use them.
 *   <li>The micro-kernel multiplies {@code R = 4} rows with {@code T = 3} inputs, holding the 12
 *       products in 12 vector accumulators: each step loads 4 weight and 3 input vectors for 12
 *       FMAs; the horizontal sums happen once per tile and column block.
 * </ul>
 *
 * The previous loop (4-row panel, every input over all columns) streamed all inputs through the
 * caches once per 4 rows: beyond L2 (the down projection's 128 × 5632 inputs are 2.8 MB) it ran
 * from L3, and its speed depended on where the JVM happened to place the panel array (split cache
 * line loads of 64-byte vectors), which moved prefill by several percent from build to build.
 */
final class VectorBatchProduct implements BatchProduct {
  static final int R = 4;
  private static final int T = 3;

  /** Rows dequantised at once: four micro-kernel panels. */
  static final int G = 4 * R;

  /** Columns per cache block; a multiple of every vector length (8 and 16 floats). */
  static final int KC = 512;

  private static final ThreadLocal<float[][]> PANEL =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  @Override
  public int rowGrain() {
    return G;
  }

  @Override
  public void multiply(
      TypeKernel kernel,
      MemorySegment data,
      long rowBytes,
      int rows,
      int cols,
      int rowFrom,
      int rowTo,
      float[] x,
      int n,
      float[] out) {
    float[][] holder = PANEL.get();
    if (holder[0].length < G * cols) {
      holder[0] = new float[G * cols];
    }
    float[] panel = holder[0];
    int tiled = n - n % T; // inputs covered by micro-kernel tiles
    for (int row0 = rowFrom; row0 < rowTo; row0 += G) {
      int valid = Math.min(G, rowTo - row0);
      for (int r = 0; r < valid; r++) {
        kernel.dequantize(data, (row0 + r) * rowBytes, panel, r * cols, cols);
      }
      int full = valid - valid % R; // rows covered by micro-kernel tiles
      if (full > 0 && tiled > 0) {
        for (int k0 = 0; k0 < cols; k0 += KC) {
          int k1 = Math.min(cols, k0 + KC);
          boolean first = k0 == 0;
          for (int j = 0; j < tiled; j += T) {
            for (int s = 0; s < full; s += R) {
              fourByThree(panel, s * cols, cols, x, j, out, rows, row0 + s, k0, k1, first);
            }
          }
        }
      }
      // What the tiles left: rows past the last whole sub-panel, inputs past the last whole tile.
      for (int j = 0; j < n; j++) {
        for (int r = j < tiled ? full : 0; r < valid; r++) {
          out[j * rows + row0 + r] = dot(panel, r * cols, x, j * cols, cols);
        }
      }
    }
  }

  /**
   * Panel rows {@code p .. p+4} (output rows {@code row0 ..}) times inputs {@code j .. j+3} over
   * columns {@code [k0, k1)}: written to {@code out} on the first column block, added after.
   */
  private static void fourByThree(
      float[] panel,
      int p,
      int cols,
      float[] x,
      int j,
      float[] out,
      int rows,
      int row0,
      int k0,
      int k1,
      boolean first) {
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    int p0 = p;
    int p1 = p + cols;
    int p2 = p1 + cols;
    int p3 = p2 + cols;
    int x0 = j * cols;
    int x1 = x0 + cols;
    int x2 = x1 + cols;
    int bound = k0 + F.loopBound(k1 - k0);
    for (int k = k0; k < bound; k += L) {
      FloatVector w0 = FloatVector.fromArray(F, panel, p0 + k);
      FloatVector w1 = FloatVector.fromArray(F, panel, p1 + k);
      FloatVector w2 = FloatVector.fromArray(F, panel, p2 + k);
      FloatVector w3 = FloatVector.fromArray(F, panel, p3 + k);
      FloatVector v = FloatVector.fromArray(F, x, x0 + k);
      a00 = w0.fma(v, a00);
      a10 = w1.fma(v, a10);
      a20 = w2.fma(v, a20);
      a30 = w3.fma(v, a30);
      v = FloatVector.fromArray(F, x, x1 + k);
      a01 = w0.fma(v, a01);
      a11 = w1.fma(v, a11);
      a21 = w2.fma(v, a21);
      a31 = w3.fma(v, a31);
      v = FloatVector.fromArray(F, x, x2 + k);
      a02 = w0.fma(v, a02);
      a12 = w1.fma(v, a12);
      a22 = w2.fma(v, a22);
      a32 = w3.fma(v, a32);
    }
    int tail = k1 - bound;
    int o0 = j * rows + row0;
    int o1 = o0 + rows;
    int o2 = o1 + rows;
    put(out, o0, first, sum(a00, panel, p0 + bound, x, x0 + bound, tail));
    put(out, o0 + 1, first, sum(a10, panel, p1 + bound, x, x0 + bound, tail));
    put(out, o0 + 2, first, sum(a20, panel, p2 + bound, x, x0 + bound, tail));
    put(out, o0 + 3, first, sum(a30, panel, p3 + bound, x, x0 + bound, tail));
    put(out, o1, first, sum(a01, panel, p0 + bound, x, x1 + bound, tail));
    put(out, o1 + 1, first, sum(a11, panel, p1 + bound, x, x1 + bound, tail));
    put(out, o1 + 2, first, sum(a21, panel, p2 + bound, x, x1 + bound, tail));
    put(out, o1 + 3, first, sum(a31, panel, p3 + bound, x, x1 + bound, tail));
    put(out, o2, first, sum(a02, panel, p0 + bound, x, x2 + bound, tail));
    put(out, o2 + 1, first, sum(a12, panel, p1 + bound, x, x2 + bound, tail));
    put(out, o2 + 2, first, sum(a22, panel, p2 + bound, x, x2 + bound, tail));
    put(out, o2 + 3, first, sum(a32, panel, p3 + bound, x, x2 + bound, tail));
  }

  private static void put(float[] out, int i, boolean first, float s) {
    out[i] = first ? s : out[i] + s;
  }

  /** The lanes of {@code acc} plus the scalar tail {@code Σ w[wi..] · x[xi..]} of length tail. */
  private static float sum(FloatVector acc, float[] w, int wi, float[] x, int xi, int tail) {
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (int k = 0; k < tail; k++) {
      s += w[wi + k] * x[xi + k];
    }
    return s;
  }

  private static float dot(float[] w, int wi, float[] x, int xi, int cols) {
    FloatVector acc = FloatVector.zero(F);
    int bound = F.loopBound(cols);
    for (int k = 0; k < bound; k += L) {
      acc = FloatVector.fromArray(F, w, wi + k).fma(FloatVector.fromArray(F, x, xi + k), acc);
    }
    return sum(acc, w, wi + bound, x, xi + bound, cols - bound);
  }
}
