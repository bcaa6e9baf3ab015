package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Batched product in outer-product form: the inputs are packed position-major, so the micro-kernel
 * broadcasts one weight and multiplies it with a vector of {@link #W} positions, as BLIS-style
 * kernels do (Van Zee and van de Geijn, "BLIS: a framework for rapidly instantiating BLAS
 * functionality", 2015) — with the weights, not the inputs, as the broadcast operand, because
 * packing the {@code n × cols} inputs once per call is far cheaper than transposing the {@code rows
 * × cols} dequantised weights.
 *
 * <ul>
 *   <li>The inputs are packed in groups of {@code W = 2L} positions: {@code packed[g][k][q] = x[g·W
 *       + q][k]}, zero past the last position.
 *   <li>A panel of {@link #G} = 16 weight rows is dequantised row-major into a per-thread buffer
 *       and reused for every group; the columns are walked in blocks of {@link #KC} so a group's
 *       block ({@code W × KC} floats, 64 KB) and the panel's block (32 KB) stay in L2.
 *   <li>The micro-kernel multiplies {@code R = 8} rows with one group: per column, 2 input vectors
 *       and 8 broadcast weights feed 16 FMAs into 16 vector accumulators. Unlike the dot-product
 *       form of {@link VectorBatchProduct}, no accumulator needs a horizontal sum: the products
 *       leave the registers as whole vectors into a row-major {@code G × n} scratch, transposed
 *       into the output once per panel.
 * </ul>
 *
 * The 16 accumulators, 2 input vectors and a broadcast need 19 vector registers, so this is used
 * only with 512-bit vectors (AVX-512 has 32 registers; AVX2's 16 would spill). Batches shorter than
 * one group (speculative verification) use {@link VectorBatchProduct}.
 */
final class PackedBatchProduct implements BatchProduct {
  private static final int R = 8;

  /** Rows dequantised at once: two micro-kernel panels, the grain of {@link VectorBatchProduct}. */
  static final int G = 2 * R;

  /** Positions per packed group: two vectors. */
  static final int W = 2 * L;

  /** Columns per cache block. */
  static final int KC = 512;

  /** {@code true} (default) or {@code false}: whether 512-bit machines use this kernel. */
  static final String PROPERTY = "fathom.engine.packed-batch";

  private final BatchProduct small = new VectorBatchProduct();

  /** Columns per cache block of this instance ({@link #KC} unless a benchmark asks otherwise). */
  private final int kc;

  PackedBatchProduct() {
    this(KC);
  }

  PackedBatchProduct(int kc) {
    this.kc = kc;
  }

  private static final class Scratch {
    float[] panel = new float[0];
    float[] packed = new float[0];
    float[] acc = new float[0];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Whether the vector shape has the registers this kernel needs (512-bit vectors). */
  static boolean suits() {
    return L == 16;
  }

  static boolean enabled() {
    return EngineSwitch.read(PROPERTY, true);
  }

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
    if (n < W) {
      small.multiply(kernel, data, rowBytes, rows, cols, rowFrom, rowTo, x, n, out);
      return;
    }
    int groups = (n + W - 1) / W;
    int padded = groups * W;
    Scratch s = SCRATCH.get();
    if (s.panel.length < G * cols) {
      s.panel = new float[G * cols];
    }
    if (s.packed.length < padded * cols) {
      s.packed = new float[padded * cols];
    }
    if (s.acc.length < G * padded) {
      s.acc = new float[G * padded];
    }
    float[] panel = s.panel;
    float[] packed = s.packed;
    float[] acc = s.acc;
    pack(x, n, cols, packed, groups);
    for (int row0 = rowFrom; row0 < rowTo; row0 += G) {
      int valid = Math.min(G, rowTo - row0);
      for (int r = 0; r < valid; r++) {
        kernel.dequantize(data, (row0 + r) * rowBytes, panel, r * cols, cols);
      }
      int used = (valid + R - 1) / R * R; // rows the micro-kernels read
      Arrays.fill(panel, valid * cols, used * cols, 0f);
      Arrays.fill(acc, 0, used * padded, 0f);
      for (int k0 = 0; k0 < cols; k0 += kc) {
        int k1 = Math.min(cols, k0 + kc);
        for (int g = 0; g < groups; g++) {
          for (int sub = 0; sub < used; sub += R) {
            eightRows(
                panel,
                sub * cols,
                cols,
                packed,
                g * cols * W,
                k0,
                k1,
                acc,
                sub * padded + g * W,
                padded);
          }
        }
      }
      // Position by position, so each output cache line is written whole in one go (row by row,
      // the 16 stores to a line came 256 positions apart: 19 % of the product's time).
      for (int j = 0; j < n; j++) {
        int o = j * rows + row0;
        for (int r = 0; r < valid; r++) {
          out[o + r] = acc[r * padded + j];
        }
      }
    }
  }

  /** {@code packed[(g·cols + k)·W + q] = x[(g·W + q)·cols + k]}, zero for positions past n. */
  static void pack(float[] x, int n, int cols, float[] packed, int groups) {
    for (int g = 0; g < groups; g++) {
      int base = g * cols * W;
      int live = Math.min(W, n - g * W);
      for (int k0 = 0; k0 < cols; k0 += 16) {
        int k1 = Math.min(cols, k0 + 16);
        for (int q = 0; q < W; q++) {
          if (q < live) {
            int xi = (g * W + q) * cols;
            for (int k = k0; k < k1; k++) {
              packed[base + k * W + q] = x[xi + k];
            }
          } else {
            for (int k = k0; k < k1; k++) {
              packed[base + k * W + q] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Panel rows {@code p .. p+8} times the group packed at {@code xi} over columns {@code [k0, k1)},
   * added to {@code acc[ai + r·stride ..]} (W floats per row).
   */
  private static void eightRows(
      float[] w,
      int p,
      int cols,
      float[] xp,
      int xi,
      int k0,
      int k1,
      float[] acc,
      int ai,
      int stride) {
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    FloatVector c60 = c00;
    FloatVector c61 = c00;
    FloatVector c70 = c00;
    FloatVector c71 = c00;
    int p0 = p;
    int p1 = p0 + cols;
    int p2 = p1 + cols;
    int p3 = p2 + cols;
    int p4 = p3 + cols;
    int p5 = p4 + cols;
    int p6 = p5 + cols;
    int p7 = p6 + cols;
    for (int k = k0; k < k1; k++) {
      int xo = xi + k * W;
      FloatVector v0 = FloatVector.fromArray(F, xp, xo);
      FloatVector v1 = FloatVector.fromArray(F, xp, xo + L);
      FloatVector b = FloatVector.broadcast(F, w[p0 + k]);
      c00 = b.fma(v0, c00);
      c01 = b.fma(v1, c01);
      b = FloatVector.broadcast(F, w[p1 + k]);
      c10 = b.fma(v0, c10);
      c11 = b.fma(v1, c11);
      b = FloatVector.broadcast(F, w[p2 + k]);
      c20 = b.fma(v0, c20);
      c21 = b.fma(v1, c21);
      b = FloatVector.broadcast(F, w[p3 + k]);
      c30 = b.fma(v0, c30);
      c31 = b.fma(v1, c31);
      b = FloatVector.broadcast(F, w[p4 + k]);
      c40 = b.fma(v0, c40);
      c41 = b.fma(v1, c41);
      b = FloatVector.broadcast(F, w[p5 + k]);
      c50 = b.fma(v0, c50);
      c51 = b.fma(v1, c51);
      b = FloatVector.broadcast(F, w[p6 + k]);
      c60 = b.fma(v0, c60);
      c61 = b.fma(v1, c61);
      b = FloatVector.broadcast(F, w[p7 + k]);
      c70 = b.fma(v0, c70);
      c71 = b.fma(v1, c71);
    }
    put(acc, ai, c00);
    put(acc, ai + L, c01);
    put(acc, ai + stride, c10);
    put(acc, ai + stride + L, c11);
    put(acc, ai + 2 * stride, c20);
    put(acc, ai + 2 * stride + L, c21);
    put(acc, ai + 3 * stride, c30);
    put(acc, ai + 3 * stride + L, c31);
    put(acc, ai + 4 * stride, c40);
    put(acc, ai + 4 * stride + L, c41);
    put(acc, ai + 5 * stride, c50);
    put(acc, ai + 5 * stride + L, c51);
    put(acc, ai + 6 * stride, c60);
    put(acc, ai + 6 * stride + L, c61);
    put(acc, ai + 7 * stride, c70);
    put(acc, ai + 7 * stride + L, c71);
  }

  /**
   * Adds one accumulator to the scratch. Kept this small, and without a branch between two vectors,
   * so that C2 inlines and intrinsifies it: a vector passed to a call that is not inlined is boxed,
   * and the box then spreads into the loop (an allocation per FMA, measured 2.5× slower); a
   * conditional {@code first ? v : v.add(..)} left the add to the Java fallback (5 % of prefill).
   */
  private static void put(float[] acc, int i, FloatVector v) {
    v.add(FloatVector.fromArray(F, acc, i)).intoArray(acc, i);
  }
}
