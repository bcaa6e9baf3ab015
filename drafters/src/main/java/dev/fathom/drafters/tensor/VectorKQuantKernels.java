package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.LittleEndian.i8;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API kernels for the k-quants (layouts in {@link ScalarKQuantKernels}). The quants of a
 * sub-block are rebuilt on int lanes (nibble, plus the high bits of Q5_K/Q6_K), converted to
 * floats, turned into weights with one FMA ({@code q · d·scale - dmin·min}) and multiplied into a
 * sum local to the sub-block, which is then added to the running total: the local chains are
 * independent, so only one add per sub-block is loop-carried. Q4_K's dot is the exception: it runs
 * {@link VectorKQuantSums}, which leaves the dequantisation out of the inner loop.
 *
 * <p>The loops over sub-blocks and nibbles are kept as loops rather than written out: C2 parses
 * each Vector API call into hundreds of nodes, and a fully written-out super-block exceeds its
 * inlining node budget ({@code NodeCountInliningCutoff}), leaving vectors boxed on the heap.
 */
enum VectorKQuantKernels implements TypeKernel {
  Q4_K(144) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      // The same kernel and sums as a matrix-vector product takes, so both agree bit for bit.
      SubBlockSumDot k = VectorKQuantSums.Q4_K;
      return k.dot(w, o, x, xOff, k.sums(x, xOff, n), n);
    }

    @Override
    void block(MemorySegment w, long p, float[] dst, int base) {
      float d = f16(w, p);
      float dmin = f16(w, p + 2);
      long packed = scales(w, p + 4);
      int high = w.get(INT, p + 12);
      for (int s = 0; s < 8; s++) {
        float ds = d * scale(packed, high, s);
        float ms = -dmin * min(packed, high, s);
        int shift = 4 * (s & 1);
        for (int c = 0; c < 32; c += L) {
          IntVector q = ints(w, p + 16 + 32 * (s / 2) + c);
          floats(q.lanewise(VectorOperators.LSHR, shift).and(0x0F))
              .fma(ds, ms)
              .intoArray(dst, base + 32 * s + c);
        }
      }
    }
  },
  Q5_K(176) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      for (int b = 0; b < n / 256; b++) {
        long p = o + 176L * b;
        float d = f16(w, p);
        float dmin = -f16(w, p + 2);
        int u0 = w.get(INT, p + 4);
        int u1 = w.get(INT, p + 8);
        int u2 = w.get(INT, p + 12);
        long sc = scales8(u0, u2);
        long mn = mins8(u1, u2);
        for (int j = 0; j < 4; j++) {
          float d1 = d * byteAt(sc, 2 * j);
          float m1 = dmin * byteAt(mn, 2 * j);
          float d2 = d * byteAt(sc, 2 * j + 1);
          float m2 = dmin * byteAt(mn, 2 * j + 1);
          int xj = xOff + 256 * b + 64 * j;
          FloatVector t0 = FloatVector.zero(F);
          FloatVector t1 = t0;
          for (int c = 0; c < 32; c += L) {
            IntVector q = ints(w, p + 48 + 32 * j + c);
            IntVector h = ints(w, p + 16 + c);
            t0 =
                floats(q.and(0x0F).or(fifthBit(h, 2 * j)))
                    .fma(d1, m1)
                    .fma(FloatVector.fromArray(F, x, xj + c), t0);
            t1 =
                floats(q.lanewise(VectorOperators.LSHR, 4).and(0x0F).or(fifthBit(h, 2 * j + 1)))
                    .fma(d2, m2)
                    .fma(FloatVector.fromArray(F, x, xj + 32 + c), t1);
          }
          a0 = a0.add(t0);
          a1 = a1.add(t1);
        }
      }
      return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void block(MemorySegment w, long p, float[] dst, int base) {
      float d = f16(w, p);
      float dmin = f16(w, p + 2);
      long packed = scales(w, p + 4);
      int high = w.get(INT, p + 12);
      for (int s = 0; s < 8; s++) {
        float ds = d * scale(packed, high, s);
        float ms = -dmin * min(packed, high, s);
        int shift = 4 * (s & 1);
        for (int c = 0; c < 32; c += L) {
          IntVector q = ints(w, p + 48 + 32 * (s / 2) + c);
          IntVector h = ints(w, p + 16 + c);
          floats(q.lanewise(VectorOperators.LSHR, shift).and(0x0F).or(fifthBit(h, s)))
              .fma(ds, ms)
              .intoArray(dst, base + 32 * s + c);
        }
      }
    }

    /** Bit {@code s} of each {@code qh} byte, moved to bit 4 (worth 16) for sub-block {@code s}. */
    private static IntVector fifthBit(IntVector h, int s) {
      return h.lanewise(VectorOperators.LSHR, s).and(1).lanewise(VectorOperators.LSHL, 4);
    }
  },
  Q6_K(210) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      for (int b = 0; b < n / 256; b++) {
        long p = o + 210L * b;
        float d = f16(w, p + 208);
        for (int half = 0; half < 2; half++) {
          long ql = p + 64 * half;
          long qh = p + 128 + 32 * half;
          long sc = p + 192 + 8 * half;
          int xh = xOff + 256 * b + 128 * half;
          FloatVector t0 = FloatVector.zero(F);
          FloatVector t1 = t0;
          for (int c = 0; c < 32; c += L) {
            IntVector lo = ints(w, ql + c);
            IntVector hi = ints(w, ql + 32 + c);
            IntVector h = ints(w, qh + c).lanewise(VectorOperators.LSHL, 4);
            int s = c / 16;
            // Quarter k (elements 32k + l) uses nibble k / 2 of ql[l + 32 (k % 2)] and bits
            // 2k, 2k+1 of qh[l]; nib = 0 covers quarters 0 and 1, nib = 1 quarters 2 and 3.
            for (int nib = 0; nib < 2; nib++) {
              int k = 2 * nib;
              t0 =
                  weights(quant(lo, h, 4 * nib, 2 * k), d * i8(w, sc + s + 2 * k))
                      .fma(FloatVector.fromArray(F, x, xh + 32 * k + c), t0);
              t1 =
                  weights(quant(hi, h, 4 * nib, 2 * k + 2), d * i8(w, sc + s + 2 * k + 2))
                      .fma(FloatVector.fromArray(F, x, xh + 32 * k + 32 + c), t1);
            }
          }
          a0 = a0.add(t0);
          a1 = a1.add(t1);
        }
      }
      return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void block(MemorySegment w, long p, float[] dst, int base) {
      float d = f16(w, p + 208);
      for (int half = 0; half < 2; half++) {
        long ql = p + 64 * half;
        long qh = p + 128 + 32 * half;
        long sc = p + 192 + 8 * half;
        for (int c = 0; c < 32; c += L) {
          IntVector h = ints(w, qh + c).lanewise(VectorOperators.LSHL, 4);
          int s = c / 16;
          for (int k = 0; k < 4; k++) {
            IntVector low = ints(w, ql + 32 * (k & 1) + c);
            weights(quant(low, h, 4 * (k >> 1), 2 * k), d * i8(w, sc + s + 2 * k))
                .intoArray(dst, base + 128 * half + 32 * k + c);
          }
        }
      }
    }

    /**
     * Six-bit quant: 4 bits of {@code ql >> nibbleShift}, 2 bits of {@code qh >> highShift}, with
     * {@code qh4 = qh << 4} shifted once per load by the caller, so the high bits land on bits 4
     * and 5 with one shift and one mask ({@code (qh4 >>> highShift) & 0x30}) instead of three
     * operations: 6-12 % less CPU time per weight for the Q6_K matvec (alternating A/B in one JVM,
     * one thread, loaded machine).
     */
    private static IntVector quant(IntVector ql, IntVector qh4, int nibbleShift, int highShift) {
      return ql.lanewise(VectorOperators.LSHR, nibbleShift)
          .and(0x0F)
          .or(qh4.lanewise(VectorOperators.LSHR, highShift).and(0x30));
    }

    /** {@code (q - 32) · scale} as one FMA: {@code q · scale + (-32 · scale)}. */
    private static FloatVector weights(IntVector q, float scale) {
      return floats(q).fma(scale, -32f * scale);
    }
  };

  private static final ValueLayout.OfInt INT = LittleEndian.INT;

  private final int bytesPerBlock;

  VectorKQuantKernels(int bytesPerBlock) {
    this.bytesPerBlock = bytesPerBlock;
  }

  /** Bytes 0..7 of a k-quant {@code scales[12]}; bytes 8..11 are read as one int beside it. */
  private static long scales(MemorySegment w, long offset) {
    return w.get(LittleEndian.LONG, offset);
  }

  /**
   * {@code get_scale_min_k4}'s scale of sub-block {@code j} from the 12 scale bytes read as a long
   * ({@code low}: bytes 0..7) and an int ({@code high}: bytes 8..11), so that a super-block costs
   * two loads rather than sixteen byte reads: bytes 0..3 hold scales 0..3 in their low 6 bits and
   * the top 2 bits of scales 4..7; bytes 8..11 the low 4 bits of scales 4..7.
   */
  static int scale(long low, int high, int j) {
    if (j < 4) {
      return (int) (low >>> (8 * j)) & 63;
    }
    int k = j - 4;
    return ((high >>> (8 * k)) & 0x0F) | ((int) (low >>> (8 * k + 6)) & 3) << 4;
  }

  /**
   * The eight 6-bit scales of a super-block, one per byte, from its 12 scale bytes read as three
   * ints {@code u0, u1, u2}: llama.cpp's {@code kmask} unpacking, a dozen operations for all eight
   * instead of a shift-and-mask per scale with a branch on its index (4–15 % less CPU time per
   * weight for the Q4_K matvec, measured alternating in one JVM on a loaded machine).
   */
  static long scales8(int u0, int u2) {
    int high = (u2 & 0x0F0F0F0F) | (((u0 >>> 6) & 0x03030303) << 4);
    return (u0 & 0x3F3F3F3FL) | ((long) high << 32);
  }

  /** The eight 6-bit mins of a super-block, one per byte, as {@link #scales8}. */
  static long mins8(int u1, int u2) {
    int high = ((u2 >>> 4) & 0x0F0F0F0F) | (((u1 >>> 6) & 0x03030303) << 4);
    return (u1 & 0x3F3F3F3FL) | ((long) high << 32);
  }

  /** Byte {@code i} of {@code packed}, unsigned. */
  static int byteAt(long packed, int i) {
    return (int) (packed >>> (8 * i)) & 0xFF;
  }

  /** The 6-bit min of sub-block {@code j}: bytes 4..7 and the high nibbles of bytes 8..11. */
  static int min(long low, int high, int j) {
    if (j < 4) {
      return (int) (low >>> (8 * j + 32)) & 63;
    }
    int k = j - 4;
    return ((high >>> (8 * k + 4)) & 0x0F) | ((int) (low >>> (8 * k + 38)) & 3) << 4;
  }

  /** Dequantises the super-block at byte {@code p} into {@code dst[base .. base + 256)}. */
  abstract void block(MemorySegment w, long p, float[] dst, int base);

  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    for (int b = 0; b < n / 256; b++) {
      block(w, o + (long) bytesPerBlock * b, dst, dstOff + 256 * b);
    }
  }
}
