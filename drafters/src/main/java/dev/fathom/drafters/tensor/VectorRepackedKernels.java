package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;
import static dev.fathom.drafters.tensor.VectorShapes.uints;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Matrix–vector kernels over the lane-major k-quant layouts of {@link KQuantRepack}. The input is
 * permuted once per product into the weights' lane order and summed per lane ({@link #sums}, which
 * returns the permuted input followed by {@code 16} lane sums per super-block); a super-block is
 * then a plain run of {@code 256 / L} vector multiply-adds of quants with input, on independent
 * chains (two for Q4_K, four for Q6_K), and one multiply-add with the lane-wise scales (and, for
 * Q4_K, the lane-wise mins times the lane sums; for Q6_K, {@code −32} times the lane sums). Every
 * offset is linear in the super-block index, so C2 hoists the segment range checks out of the loop,
 * as for Q4_0.
 *
 * <p>{@link #dot} and {@link #dequantize} take whole rows: the prepared input of {@link #dot} and
 * the layout are per row of {@code n} elements starting at a super-block.
 */
enum VectorRepackedKernels implements TypeKernel, SubBlockSumDot, RepackedLayout {
  Q4_K(KQuantRepack.Q4_K_BYTES, KQuantRepack.Q4_K_ELEMENT) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, float[] prep, int n) {
      int blocks = n / 256;
      FloatVector acc = FloatVector.zero(F);
      FloatVector accMin = acc;
      for (int b = 0; b < blocks; b++) {
        long p = o + (long) KQuantRepack.Q4_K_BYTES * b;
        int xb = 256 * b;
        // Two chains, one 16-byte chunk (low and high nibbles) per step: 3-5 % less CPU per
        // token's Q4_K products than four chains over two chunks per step (RepackedKernelSpeed,
        // one thread, streamed, loaded machine); super-blocks are independent, so two chains
        // still overlap, and the step's tail has one add instead of three.
        FloatVector t0 = FloatVector.zero(F);
        FloatVector t1 = t0;
        for (int k = 0; k < 128 / L; k++) {
          // Zero-extended bytes: a high nibble is one shift, without a mask (0.94-1.13x, median
          // about 1.09x, less CPU per weight than sign extension and a mask; A/B, loaded).
          IntVector q = uints(w, p + 20 + L * k);
          int xv = xb + 2 * L * k;
          t0 = floats(q.and(0x0F)).fma(FloatVector.fromArray(F, prep, xv), t0);
          t1 =
              floats(q.lanewise(VectorOperators.LSHR, 4))
                  .fma(FloatVector.fromArray(F, prep, xv + L), t1);
        }
        FloatVector scales = floats(eightPerLane(w, p + 4, false)).mul(f16(w, p));
        FloatVector mins = floats(eightPerLane(w, p + 4, true)).mul(f16(w, p + 2));
        acc = t0.add(t1).fma(scales, acc);
        accMin = FloatVector.fromArray(F, prep, n + 16 * b).fma(mins, accMin);
      }
      return acc.sub(accMin).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void laneBlock(MemorySegment w, long p, float[] dst, int base) {
      FloatVector scales = floats(eightPerLane(w, p + 4, false)).mul(f16(w, p));
      FloatVector mins = floats(eightPerLane(w, p + 4, true)).mul(-f16(w, p + 2));
      for (int k = 0; k < 128 / L; k++) {
        IntVector q = uints(w, p + 20 + L * k);
        floats(q.and(0x0F)).fma(scales, mins).intoArray(dst, base + 2 * L * k);
        floats(q.lanewise(VectorOperators.LSHR, 4))
            .fma(scales, mins)
            .intoArray(dst, base + 2 * L * k + L);
      }
    }

    @Override
    void block(MemorySegment w, long p, float[] lanes) {
      float d = f16(w, p);
      float dmin = f16(w, p + 2);
      for (int i = 0; i < 256; i++) {
        int v = i / L;
        int l = i % L;
        int s = l % 8;
        int q = LittleEndian.u8(w, p + 20 + L * (v / 2) + l);
        q = v % 2 == 0 ? q & 0x0F : q >>> 4;
        // ScalarKQuantKernels' order: (d · sc) · q − dmin · m.
        float ds = d * LittleEndian.u8(w, p + 4 + s);
        float ms = dmin * LittleEndian.u8(w, p + 12 + s);
        lanes[i] = ds * q - ms;
      }
    }
  },
  Q6_K(KQuantRepack.Q6_K_BYTES, KQuantRepack.Q6_K_ELEMENT) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, float[] prep, int n) {
      int blocks = n / 256;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + (long) KQuantRepack.Q6_K_BYTES * b;
        float d = f16(w, p);
        for (int g = 0; g < 16 / L; g++) {
          FloatVector t0 = FloatVector.zero(F);
          FloatVector t1 = t0;
          FloatVector t2 = t0;
          FloatVector t3 = t0;
          for (int u = 4 * g; u < 4 * g + 4; u++) {
            long a = p + 18 + 3L * L * u;
            IntVector qa = uints(w, a);
            IntVector qb = uints(w, a + L);
            IntVector qc = uints(w, a + 2 * L);
            IntVector q3 =
                qa.lanewise(VectorOperators.LSHR, 6)
                    .or(qb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
                    .or(qc.lanewise(VectorOperators.LSHR, 2).and(0x30));
            int xv = 256 * b + 4 * L * u;
            t0 = floats(qa.and(63)).fma(FloatVector.fromArray(F, prep, xv), t0);
            t1 = floats(qb.and(63)).fma(FloatVector.fromArray(F, prep, xv + L), t1);
            t2 = floats(qc.and(63)).fma(FloatVector.fromArray(F, prep, xv + 2 * L), t2);
            t3 = floats(q3).fma(FloatVector.fromArray(F, prep, xv + 3 * L), t3);
          }
          // Σ sc·(q − 32)·x = sc·(Σ q·x − 32·Σ x): the prepared lane sums are already 32·Σ x.
          FloatVector scales = floats(ints(w, p + 2 + L * g)).mul(d);
          FloatVector sum = t0.add(t1).add(t2.add(t3));
          acc = sum.sub(FloatVector.fromArray(F, prep, n + 16 * b + L * g)).fma(scales, acc);
        }
      }
      return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void laneBlock(MemorySegment w, long p, float[] dst, int base) {
      float d = f16(w, p);
      for (int g = 0; g < 16 / L; g++) {
        FloatVector scales = floats(ints(w, p + 2 + L * g)).mul(d);
        for (int u = 4 * g; u < 4 * g + 4; u++) {
          long a = p + 18 + 3L * L * u;
          IntVector qa = uints(w, a);
          IntVector qb = uints(w, a + L);
          IntVector qc = uints(w, a + 2 * L);
          IntVector q3 =
              qa.lanewise(VectorOperators.LSHR, 6)
                  .or(qb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
                  .or(qc.lanewise(VectorOperators.LSHR, 2).and(0x30));
          int v = base + 4 * L * u;
          floats(qa.and(63).sub(32)).mul(scales).intoArray(dst, v);
          floats(qb.and(63).sub(32)).mul(scales).intoArray(dst, v + L);
          floats(qc.and(63).sub(32)).mul(scales).intoArray(dst, v + 2 * L);
          floats(q3.sub(32)).mul(scales).intoArray(dst, v + 3 * L);
        }
      }
    }

    @Override
    void block(MemorySegment w, long p, float[] lanes) {
      float d = f16(w, p);
      for (int i = 0; i < 256; i++) {
        int v = i / L;
        int l = i % L;
        int u = v / 4;
        long a = p + 18 + 3L * L * u + l;
        int q;
        if (v % 4 < 3) {
          q = LittleEndian.u8(w, a + (long) L * (v % 4)) & 63;
        } else {
          q =
              (LittleEndian.u8(w, a) >>> 6)
                  | (LittleEndian.u8(w, a + L) >>> 6) << 2
                  | (LittleEndian.u8(w, a + 2 * L) >>> 6) << 4;
        }
        // ScalarKQuantKernels' order: d · sc · (q − 32).
        lanes[i] = d * LittleEndian.i8(w, p + 2 + l + L * (v / 16)) * (q - 32);
      }
    }

    @Override
    float laneSumFactor() {
      return 32f;
    }
  };

  /** Lanes {@code 0..7, 0..7} and {@code 8..15, 8..15} of a 16-lane vector. */
  private static final VectorShuffle<Integer> LOW_TWICE = VectorShuffle.fromOp(I, i -> i % 8);

  private static final VectorShuffle<Integer> HIGH_TWICE = VectorShuffle.fromOp(I, i -> 8 + i % 8);

  private final int bytesPerBlock;
  private final int[] element;
  private final TypeKernel lanes;

  VectorRepackedKernels(int bytesPerBlock, int[] element) {
    this.bytesPerBlock = bytesPerBlock;
    this.element = element;
    this.lanes = new RepackedLaneOrder(this);
  }

  /** Bytes per 256-element super-block of the repacked layout. */
  int bytesPerBlock() {
    return bytesPerBlock;
  }

  /**
   * The eight bytes at {@code off} (or, for {@code high}, the eight after them) with byte {@code l
   * % 8} in lane {@code l}: one load, and on 16 lanes one permute.
   */
  private static IntVector eightPerLane(MemorySegment w, long off, boolean high) {
    if (L == 8) {
      return ints(w, high ? off + 8 : off);
    }
    return ints(w, off).rearrange(high ? HIGH_TWICE : LOW_TWICE);
  }

  /**
   * Writes the super-block at {@code p} into {@code lanes} in repacked (lane-major) order, one
   * element at a time in {@link ScalarKQuantKernels}' arithmetic (so bit for bit its values).
   */
  abstract void block(MemorySegment w, long p, float[] lanes);

  /**
   * The same values as {@link #block}, vector by vector, into {@code dst[base .. base + 256)}; Q4_K
   * takes {@code q·(d·sc) − dmin·m} as one fused multiply-add, so it may differ in the last bit.
   */
  abstract void laneBlock(MemorySegment w, long p, float[] dst, int base);

  /** What the prepared lane sums are multiplied by (Q6_K folds its −32 offset in). */
  float laneSumFactor() {
    return 1f;
  }

  /**
   * The input of a product prepared once for every row: {@code x[xOff .. xOff + n)} permuted into
   * the lane order ({@code n} floats), then per super-block {@code 16} floats: the sum of each lane
   * over the super-block's vectors (Q4_K: {@code L} of them; Q6_K: per group of 16 vectors, times
   * 32).
   */
  @Override
  public float[] sums(float[] x, int xOff, int n) {
    return prepare(x, xOff, n, new float[preparedSize(n)]);
  }

  /** Floats of a prepared input of {@code n} elements ({@link #sums}). */
  static int preparedSize(int n) {
    return n + n / 16;
  }

  /**
   * {@link #sums} into {@code prep} (at least {@link #preparedSize} floats), so that a caller can
   * reuse one buffer for every product; returns {@code prep}.
   */
  float[] prepare(float[] x, int xOff, int n, float[] prep) {
    permute(x, xOff, prep, 0, n);
    float factor = laneSumFactor();
    int groups = this == Q6_K ? 16 / L : 1;
    for (int b = 0; b < n / 256; b++) {
      int base = 256 * b;
      int vectorsPerGroup = 256 / L / groups;
      for (int g = 0; g < groups; g++) {
        FloatVector s = FloatVector.zero(F);
        for (int v = g * vectorsPerGroup; v < (g + 1) * vectorsPerGroup; v++) {
          s = s.add(FloatVector.fromArray(F, prep, base + L * v));
        }
        s.mul(factor).intoArray(prep, n + 16 * b + L * g);
      }
    }
    return prep;
  }

  /** {@code x[xOff .. xOff + n)} in the repacked lane order, to {@code dst[dstOff ..]}. */
  @Override
  public void permute(float[] x, int xOff, float[] dst, int dstOff, int n) {
    RepackedLayout.permute(element, x, xOff, dst, dstOff, n);
  }

  /** This layout's rows as a {@link TypeKernel} in lane order ({@link RepackedLaneOrder}). */
  @Override
  public TypeKernel laneOrder() {
    return lanes;
  }

  /** The dot of one row with {@code x}, preparing the input for this row alone. */
  @Override
  public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
    return dot(w, o, x, xOff, sums(x, xOff, n), n);
  }

  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    float[] lanes = new float[256];
    for (int b = 0; b < n / 256; b++) {
      block(w, o + (long) bytesPerBlock * b, lanes);
      for (int p = 0; p < 256; p++) {
        dst[dstOff + 256 * b + element[p]] = lanes[p];
      }
    }
  }

  @Override
  public long rowBytes(int n) {
    return (long) bytesPerBlock * (n / 256);
  }

  @Override
  public void repackRow(MemorySegment src, long so, MemorySegment dst, long dp, int n) {
    if (this == Q4_K) {
      KQuantRepack.q4K(src, so, dst, dp, n / 256);
    } else {
      KQuantRepack.q6K(src, so, dst, dp, n / 256);
    }
  }

  @Override
  public void matvec(
      MemorySegment w,
      long rowBytes,
      int rows,
      int n,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      Parallel parallel,
      boolean serial) {
    LaneMajorProduct.matvec(this, w, rowBytes, rows, n, x, xOff, out, outOff, parallel, serial);
  }
}
