package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * Causal attention of a block of consecutive query positions over one key-value head, as two small
 * matrix products in outer-product form (the tiling of {@link PackedBatchProduct}): the queries of
 * every head that shares the key-value head (grouped-query attention) and every position of the
 * block meet each key and value once per 8 queries, instead of once per (position, head) with a
 * 64-element dot product and its horizontal sum. FlashAttention (Dao et al., arXiv 2205.14135)
 * makes the same point on GPUs: batch the queries that read the same keys.
 *
 * <ul>
 *   <li>Scores: 8 queries × 32 keys in 16 vector accumulators; per head dimension 2 key vectors
 *       (keys transposed, {@code kT[d][t]}) and 8 broadcast query elements feed 16 FMAs.
 *   <li>Softmax per query over its own causal length, then the weights past it are zeroed so that 8
 *       queries of different lengths can share one loop.
 *   <li>Weighted values: 8 queries × 2 value vectors ({@code v[t][d]}) in 16 accumulators; per key
 *       2 value vectors and 8 broadcast weights feed 16 FMAs.
 * </ul>
 *
 * The caller gathers {@code kT} and {@code v} of the key-value head from the cache, zero past the
 * last key up to {@code tPad} (a multiple of {@link #KEYS}).
 */
public final class BlockAttention {
  /** Queries per micro-kernel. */
  private static final int Q = 8;

  /** Keys per scores micro-kernel: two vectors; {@code tPad} is a multiple of this. */
  public static final int KEYS = 2 * L;

  private static final FloatOps OPS = FloatOps.of(KernelBackend.VECTOR);

  private BlockAttention() {}

  /** Receives the softmax weights of the queries a recorder asked for. */
  @FunctionalInterface
  public interface Weights {
    void record(int head, int index, float[] weights, int length);
  }

  /** Consecutive keys that {@link #transposeKeys} moves per call: one vector's lanes. */
  public static final int TRANSPOSED_KEYS = L;

  /**
   * Copies {@link #TRANSPOSED_KEYS} consecutive keys of {@code hs} elements, key {@code k} at
   * {@code page[at + k·stride ..]}, into {@code kT[d·tPad + t0 + k]}: on 16-lane vectors by 16 × 16
   * tiles transposed in registers ({@link #transpose16}), otherwise by one gathering load per head
   * dimension. The element-by-element copy it replaces took most of a decode step's attention time
   * (docs/performance.md, "Decode attention").
   *
   * @param lanes {@code lanes[k] = k·stride} for {@code k < TRANSPOSED_KEYS}
   */
  public static void transposeKeys(
      float[] page, int at, int[] lanes, int hs, float[] kT, int tPad, int t0) {
    if (L == 16) {
      transpose16(page, at, lanes[1], hs, kT, tPad, t0);
    } else {
      gatherKeys(page, at, lanes, hs, kT, tPad, t0);
    }
  }

  /** {@link #transposeKeys} by one gathering load per head dimension (any vector width). */
  static void gatherKeys(float[] page, int at, int[] lanes, int hs, float[] kT, int tPad, int t0) {
    for (int d = 0; d < hs; d++) {
      FloatVector.fromArray(F, page, at + d, lanes, 0).intoArray(kT, d * tPad + t0);
    }
  }

  /** Two-source lane indexes: {@code a0 b0 a1 b1 .. a7 b7} and {@code a8 b8 .. a15 b15}. */
  private static final int[] INTERLEAVE_LOW = {
    0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
  };

  private static final int[] INTERLEAVE_HIGH = {
    8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
  };

  /**
   * {@link #transposeKeys} on 16-lane vectors: each 16 × 16 tile is loaded as 16 row vectors and
   * transposed in registers by four rounds of interleaving rows {@code i} and {@code i + 8} (two
   * two-source permutes per pair), then stored as 16 column vectors.
   */
  static void transpose16(float[] page, int at, int stride, int hs, float[] kT, int tPad, int t0) {
    IntVector lo = IntVector.fromArray(IntVector.SPECIES_512, INTERLEAVE_LOW, 0);
    IntVector hi = IntVector.fromArray(IntVector.SPECIES_512, INTERLEAVE_HIGH, 0);
    for (int d0 = 0; d0 < hs; d0 += 16) {
      IntVector a0 = FloatVector.fromArray(F, page, at + d0).reinterpretAsInts();
      IntVector a1 = FloatVector.fromArray(F, page, at + 1 * stride + d0).reinterpretAsInts();
      IntVector a2 = FloatVector.fromArray(F, page, at + 2 * stride + d0).reinterpretAsInts();
      IntVector a3 = FloatVector.fromArray(F, page, at + 3 * stride + d0).reinterpretAsInts();
      IntVector a4 = FloatVector.fromArray(F, page, at + 4 * stride + d0).reinterpretAsInts();
      IntVector a5 = FloatVector.fromArray(F, page, at + 5 * stride + d0).reinterpretAsInts();
      IntVector a6 = FloatVector.fromArray(F, page, at + 6 * stride + d0).reinterpretAsInts();
      IntVector a7 = FloatVector.fromArray(F, page, at + 7 * stride + d0).reinterpretAsInts();
      IntVector a8 = FloatVector.fromArray(F, page, at + 8 * stride + d0).reinterpretAsInts();
      IntVector a9 = FloatVector.fromArray(F, page, at + 9 * stride + d0).reinterpretAsInts();
      IntVector a10 = FloatVector.fromArray(F, page, at + 10 * stride + d0).reinterpretAsInts();
      IntVector a11 = FloatVector.fromArray(F, page, at + 11 * stride + d0).reinterpretAsInts();
      IntVector a12 = FloatVector.fromArray(F, page, at + 12 * stride + d0).reinterpretAsInts();
      IntVector a13 = FloatVector.fromArray(F, page, at + 13 * stride + d0).reinterpretAsInts();
      IntVector a14 = FloatVector.fromArray(F, page, at + 14 * stride + d0).reinterpretAsInts();
      IntVector a15 = FloatVector.fromArray(F, page, at + 15 * stride + d0).reinterpretAsInts();
      // round 1
      IntVector b0 = lo.selectFrom(a0, a8);
      IntVector b1 = hi.selectFrom(a0, a8);
      IntVector b2 = lo.selectFrom(a1, a9);
      IntVector b3 = hi.selectFrom(a1, a9);
      IntVector b4 = lo.selectFrom(a2, a10);
      IntVector b5 = hi.selectFrom(a2, a10);
      IntVector b6 = lo.selectFrom(a3, a11);
      IntVector b7 = hi.selectFrom(a3, a11);
      IntVector b8 = lo.selectFrom(a4, a12);
      IntVector b9 = hi.selectFrom(a4, a12);
      IntVector b10 = lo.selectFrom(a5, a13);
      IntVector b11 = hi.selectFrom(a5, a13);
      IntVector b12 = lo.selectFrom(a6, a14);
      IntVector b13 = hi.selectFrom(a6, a14);
      IntVector b14 = lo.selectFrom(a7, a15);
      IntVector b15 = hi.selectFrom(a7, a15);
      // round 2
      IntVector c0 = lo.selectFrom(b0, b8);
      IntVector c1 = hi.selectFrom(b0, b8);
      IntVector c2 = lo.selectFrom(b1, b9);
      IntVector c3 = hi.selectFrom(b1, b9);
      IntVector c4 = lo.selectFrom(b2, b10);
      IntVector c5 = hi.selectFrom(b2, b10);
      IntVector c6 = lo.selectFrom(b3, b11);
      IntVector c7 = hi.selectFrom(b3, b11);
      IntVector c8 = lo.selectFrom(b4, b12);
      IntVector c9 = hi.selectFrom(b4, b12);
      IntVector c10 = lo.selectFrom(b5, b13);
      IntVector c11 = hi.selectFrom(b5, b13);
      IntVector c12 = lo.selectFrom(b6, b14);
      IntVector c13 = hi.selectFrom(b6, b14);
      IntVector c14 = lo.selectFrom(b7, b15);
      IntVector c15 = hi.selectFrom(b7, b15);
      // round 3
      IntVector e0 = lo.selectFrom(c0, c8);
      IntVector e1 = hi.selectFrom(c0, c8);
      IntVector e2 = lo.selectFrom(c1, c9);
      IntVector e3 = hi.selectFrom(c1, c9);
      IntVector e4 = lo.selectFrom(c2, c10);
      IntVector e5 = hi.selectFrom(c2, c10);
      IntVector e6 = lo.selectFrom(c3, c11);
      IntVector e7 = hi.selectFrom(c3, c11);
      IntVector e8 = lo.selectFrom(c4, c12);
      IntVector e9 = hi.selectFrom(c4, c12);
      IntVector e10 = lo.selectFrom(c5, c13);
      IntVector e11 = hi.selectFrom(c5, c13);
      IntVector e12 = lo.selectFrom(c6, c14);
      IntVector e13 = hi.selectFrom(c6, c14);
      IntVector e14 = lo.selectFrom(c7, c15);
      IntVector e15 = hi.selectFrom(c7, c15);
      // round 4
      IntVector f0 = lo.selectFrom(e0, e8);
      IntVector f1 = hi.selectFrom(e0, e8);
      IntVector f2 = lo.selectFrom(e1, e9);
      IntVector f3 = hi.selectFrom(e1, e9);
      IntVector f4 = lo.selectFrom(e2, e10);
      IntVector f5 = hi.selectFrom(e2, e10);
      IntVector f6 = lo.selectFrom(e3, e11);
      IntVector f7 = hi.selectFrom(e3, e11);
      IntVector f8 = lo.selectFrom(e4, e12);
      IntVector f9 = hi.selectFrom(e4, e12);
      IntVector f10 = lo.selectFrom(e5, e13);
      IntVector f11 = hi.selectFrom(e5, e13);
      IntVector f12 = lo.selectFrom(e6, e14);
      IntVector f13 = hi.selectFrom(e6, e14);
      IntVector f14 = lo.selectFrom(e7, e15);
      IntVector f15 = hi.selectFrom(e7, e15);
      f0.reinterpretAsFloats().intoArray(kT, (d0 + 0) * tPad + t0);
      f1.reinterpretAsFloats().intoArray(kT, (d0 + 1) * tPad + t0);
      f2.reinterpretAsFloats().intoArray(kT, (d0 + 2) * tPad + t0);
      f3.reinterpretAsFloats().intoArray(kT, (d0 + 3) * tPad + t0);
      f4.reinterpretAsFloats().intoArray(kT, (d0 + 4) * tPad + t0);
      f5.reinterpretAsFloats().intoArray(kT, (d0 + 5) * tPad + t0);
      f6.reinterpretAsFloats().intoArray(kT, (d0 + 6) * tPad + t0);
      f7.reinterpretAsFloats().intoArray(kT, (d0 + 7) * tPad + t0);
      f8.reinterpretAsFloats().intoArray(kT, (d0 + 8) * tPad + t0);
      f9.reinterpretAsFloats().intoArray(kT, (d0 + 9) * tPad + t0);
      f10.reinterpretAsFloats().intoArray(kT, (d0 + 10) * tPad + t0);
      f11.reinterpretAsFloats().intoArray(kT, (d0 + 11) * tPad + t0);
      f12.reinterpretAsFloats().intoArray(kT, (d0 + 12) * tPad + t0);
      f13.reinterpretAsFloats().intoArray(kT, (d0 + 13) * tPad + t0);
      f14.reinterpretAsFloats().intoArray(kT, (d0 + 14) * tPad + t0);
      f15.reinterpretAsFloats().intoArray(kT, (d0 + 15) * tPad + t0);
    }
  }

  /** Whether heads of {@code headSize} suit the kernels: whole pairs of vectors, at most 4,096. */
  public static boolean suits(int headSize) {
    return headSize % (2 * L) == 0 && headSize <= 4096;
  }

  /** Per-thread scratch: scaled queries and scores. */
  private static final class Scratch {
    float[] q = new float[0];
    float[] s = new float[0];
    float[] w = new float[0];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Attention outputs {@code att[i·qDim + h·hs ..]} for positions {@code i} in {@code [i0, i1)} of
   * the batch and heads {@code h} in {@code [h0, h0 + group)}; position {@code i} sees keys {@code
   * 0 .. start + i}.
   *
   * @param kT keys transposed, {@code kT[d·tPad + t]}, at least {@code start + i1} keys
   * @param v values, {@code v[t·hs + d]}
   * @param weights receives the weights of position {@code i} when {@code wants[i]}; may be null
   */
  public static void attend(
      float[] qs,
      int qDim,
      int hs,
      int h0,
      int group,
      int i0,
      int i1,
      int start,
      float scale,
      float[] kT,
      float[] v,
      int tPad,
      float[] att,
      boolean[] wants,
      Weights weights) {
    int count = (i1 - i0) * group;
    int padded = (count + Q - 1) / Q * Q;
    Scratch s = SCRATCH.get();
    if (s.q.length < padded * hs) {
      s.q = new float[padded * hs];
    }
    if (s.s.length < padded * tPad) {
      s.s = new float[padded * tPad];
    }
    float[] q = s.q;
    float[] sc = s.s;
    // Scaled queries, contiguous: query u = (i - i0)·group + (h - h0); padding repeats the last.
    for (int u = 0; u < padded; u++) {
      int uu = Math.min(u, count - 1);
      int i = i0 + uu / group;
      int h = h0 + uu % group;
      OPS.mul(qs, i * qDim + h * hs, ONES, 0, scale, q, u * hs, hs);
    }
    for (int u0 = 0; u0 < padded; u0 += Q) {
      int last = Math.min(u0 + Q, count) - 1;
      int maxLen = start + i0 + last / group + 1;
      int keyEnd = (maxLen + KEYS - 1) / KEYS * KEYS;
      for (int t0 = 0; t0 < keyEnd; t0 += KEYS) {
        scores(q, u0 * hs, hs, kT, tPad, t0, sc, u0 * tPad);
      }
      for (int u = u0; u < u0 + Q; u++) {
        int uu = Math.min(u, count - 1);
        int i = i0 + uu / group;
        int len = start + i + 1;
        int row = u * tPad;
        float sum = OPS.expShiftSum(sc, row, len, OPS.max(sc, row, len));
        OPS.scale(sc, row, len, 1f / sum);
        Arrays.fill(sc, row + len, row + keyEnd, 0f);
        if (u < count && weights != null && wants[i]) {
          if (s.w.length < len) {
            s.w = new float[len];
          }
          System.arraycopy(sc, row, s.w, 0, len);
          weights.record(h0 + uu % group, i, s.w, len);
        }
      }
      for (int d0 = 0; d0 < hs; d0 += 2 * L) {
        values(sc, u0 * tPad, tPad, maxLen, v, hs, d0, q, u0 * hs);
      }
      for (int u = u0; u <= last; u++) {
        int i = i0 + u / group;
        int h = h0 + u % group;
        System.arraycopy(q, u * hs, att, i * qDim + h * hs, hs);
      }
    }
  }

  private static final float[] ONES = ones();

  private static float[] ones() {
    float[] o = new float[4096];
    Arrays.fill(o, 1f);
    return o;
  }

  /** Scores of the 8 queries at {@code q[qi + u·hs ..]} with keys {@code t0 .. t0+KEYS}. */
  private static void scores(
      float[] q, int qi, int hs, float[] kT, int tPad, int t0, float[] sc, int si) {
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
    for (int d = 0; d < hs; d++) {
      int k = d * tPad + t0;
      FloatVector k0 = FloatVector.fromArray(F, kT, k);
      FloatVector k1 = FloatVector.fromArray(F, kT, k + L);
      int x = qi + d;
      FloatVector b = FloatVector.broadcast(F, q[x]);
      c00 = b.fma(k0, c00);
      c01 = b.fma(k1, c01);
      b = FloatVector.broadcast(F, q[x + hs]);
      c10 = b.fma(k0, c10);
      c11 = b.fma(k1, c11);
      b = FloatVector.broadcast(F, q[x + 2 * hs]);
      c20 = b.fma(k0, c20);
      c21 = b.fma(k1, c21);
      b = FloatVector.broadcast(F, q[x + 3 * hs]);
      c30 = b.fma(k0, c30);
      c31 = b.fma(k1, c31);
      b = FloatVector.broadcast(F, q[x + 4 * hs]);
      c40 = b.fma(k0, c40);
      c41 = b.fma(k1, c41);
      b = FloatVector.broadcast(F, q[x + 5 * hs]);
      c50 = b.fma(k0, c50);
      c51 = b.fma(k1, c51);
      b = FloatVector.broadcast(F, q[x + 6 * hs]);
      c60 = b.fma(k0, c60);
      c61 = b.fma(k1, c61);
      b = FloatVector.broadcast(F, q[x + 7 * hs]);
      c70 = b.fma(k0, c70);
      c71 = b.fma(k1, c71);
    }
    int o = si + t0;
    c00.intoArray(sc, o);
    c01.intoArray(sc, o + L);
    c10.intoArray(sc, o + tPad);
    c11.intoArray(sc, o + tPad + L);
    c20.intoArray(sc, o + 2 * tPad);
    c21.intoArray(sc, o + 2 * tPad + L);
    c30.intoArray(sc, o + 3 * tPad);
    c31.intoArray(sc, o + 3 * tPad + L);
    c40.intoArray(sc, o + 4 * tPad);
    c41.intoArray(sc, o + 4 * tPad + L);
    c50.intoArray(sc, o + 5 * tPad);
    c51.intoArray(sc, o + 5 * tPad + L);
    c60.intoArray(sc, o + 6 * tPad);
    c61.intoArray(sc, o + 6 * tPad + L);
    c70.intoArray(sc, o + 7 * tPad);
    c71.intoArray(sc, o + 7 * tPad + L);
  }

  /**
   * {@code out[oi + u·hs + d0 ..]} (2 vectors) {@code = Σ_t p[pi + u·tPad + t] · v[t·hs + d0 ..]}
   * over keys {@code t < len}, for the 8 queries; {@code out} may be the query scratch, whose
   * scaled queries are no longer needed.
   */
  private static void values(
      float[] p, int pi, int tPad, int len, float[] v, int hs, int d0, float[] out, int oi) {
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
    for (int t = 0; t < len; t++) {
      int k = t * hs + d0;
      FloatVector v0 = FloatVector.fromArray(F, v, k);
      FloatVector v1 = FloatVector.fromArray(F, v, k + L);
      int x = pi + t;
      FloatVector b = FloatVector.broadcast(F, p[x]);
      c00 = b.fma(v0, c00);
      c01 = b.fma(v1, c01);
      b = FloatVector.broadcast(F, p[x + tPad]);
      c10 = b.fma(v0, c10);
      c11 = b.fma(v1, c11);
      b = FloatVector.broadcast(F, p[x + 2 * tPad]);
      c20 = b.fma(v0, c20);
      c21 = b.fma(v1, c21);
      b = FloatVector.broadcast(F, p[x + 3 * tPad]);
      c30 = b.fma(v0, c30);
      c31 = b.fma(v1, c31);
      b = FloatVector.broadcast(F, p[x + 4 * tPad]);
      c40 = b.fma(v0, c40);
      c41 = b.fma(v1, c41);
      b = FloatVector.broadcast(F, p[x + 5 * tPad]);
      c50 = b.fma(v0, c50);
      c51 = b.fma(v1, c51);
      b = FloatVector.broadcast(F, p[x + 6 * tPad]);
      c60 = b.fma(v0, c60);
      c61 = b.fma(v1, c61);
      b = FloatVector.broadcast(F, p[x + 7 * tPad]);
      c70 = b.fma(v0, c70);
      c71 = b.fma(v1, c71);
    }
    int o = oi + d0;
    c00.intoArray(out, o);
    c01.intoArray(out, o + L);
    c10.intoArray(out, o + hs);
    c11.intoArray(out, o + hs + L);
    c20.intoArray(out, o + 2 * hs);
    c21.intoArray(out, o + 2 * hs + L);
    c30.intoArray(out, o + 3 * hs);
    c31.intoArray(out, o + 3 * hs + L);
    c40.intoArray(out, o + 4 * hs);
    c41.intoArray(out, o + 4 * hs + L);
    c50.intoArray(out, o + 5 * hs);
    c51.intoArray(out, o + 5 * hs + L);
    c60.intoArray(out, o + 6 * hs);
    c61.intoArray(out, o + 6 * hs + L);
    c70.intoArray(out, o + 7 * hs);
    c71.intoArray(out, o + 7 * hs + L);
  }
}
