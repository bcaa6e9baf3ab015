package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The Vector API kernels over the four-row Q4_K and Q6_K cells of {@link InterleavedKRows} (16
 * lanes only; an experiment, not used by the engine). A cell holds one super-block of four
 * consecutive rows, each row's weights in the lane order of {@link KQuantRepack}, so a row group's
 * product takes the input prepared once per product by {@link VectorRepackedKernels#prepare} and
 * walks one stream of cells with four independent accumulator chains, each slice of the input
 * loaded once for four rows, as {@link InterleavedRows} does for Q8_0 and Q4_0.
 *
 * <p>Q4_K cell (640 bytes): {@code float d[4]}, {@code float −dmin[4]}, per row the 8 unpacked
 * scales and 8 mins as bytes ({@code 4 × 16}), 32 bytes of padding (so that every 64-byte quant
 * load is aligned; with 608-byte cells every other cell's loads split cache lines), then per
 * 16-byte quant chunk {@code k = 0..7} of the repacked layout the four rows' chunks byte-transposed
 * into one int vector (byte {@code j} of lane {@code i} is byte {@code i} of row {@code j}: one
 * 64-byte load, one cache line, per step). Q6_K cell (848 bytes): {@code float d[4]}, per row its
 * 16 signed scales ({@code 4 × 16}), then per quarter {@code u = 0..3} the four rows' 48 quant
 * bytes.
 */
final class InterleavedKKernels {
  static final int Q4_CELL = 640;
  static final int Q6_CELL = 848;

  /** Lanes {@code 0..7, 0..7} and {@code 8..15, 8..15} of a 16-lane vector. */
  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);

  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  private InterleavedKKernels() {}

  /** 16 bytes at {@code offset}, zero-extended to ints. */
  private static IntVector uints(MemorySegment w, long offset) {
    return (IntVector)
        ByteVector.fromMemorySegment(B, w, offset, VectorShapes.LE)
            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
  }

  /**
   * Products of the four rows whose cells start at {@code o} ({@code blocks} cells) with the
   * prepared input {@code prep} ({@code n} permuted values, then the lane sums), into {@code out[at
   * .. at + 4)}; {@code scratch} holds at least {@code 64 · blocks} floats.
   *
   * <p>Two passes, each its own compiled method: the quants times the input per super-block and row
   * ({@link #q4Quants}, one stream), then the scales and mins ({@link #q4Scales}, re-reading the
   * cells' first 96 bytes from cache). Written as one loop, C2 passed its inlining node budget
   * ({@code NodeCountInliningCutoff}) in the scale part, left the vector helpers as calls and boxed
   * their vectors: twice the CPU of the one-row kernel.
   */
  static void q4Group(
      MemorySegment w,
      long o,
      int blocks,
      float[] prep,
      int n,
      float[] out,
      int at,
      float[] scratch) {
    q4Quants(w, o, blocks, prep, scratch);
    q4Scales(w, o, blocks, prep, n, scratch, out, at);
  }

  /**
   * Per super-block {@code b} and row {@code j}: the lane-wise {@code Σ q·x} at {@code 64b + 16j}.
   */
  static void q4Quants(MemorySegment w, long o, int blocks, float[] prep, float[] scratch) {
    for (int b = 0; b < blocks; b++) {
      long c = o + (long) Q4_CELL * b;
      int xb = 256 * b;
      // Eight chains, one per row and nibble half: 4 % less CPU than four in InterleavedKSpeed.
      FloatVector t0 = FloatVector.zero(F);
      FloatVector t1 = t0;
      FloatVector t2 = t0;
      FloatVector t3 = t0;
      FloatVector u0 = t0;
      FloatVector u1 = t0;
      FloatVector u2 = t0;
      FloatVector u3 = t0;
      for (int k = 0; k < 8; k++) {
        // One int vector holds chunk k of all four rows: byte j of lane i is byte i of row j.
        IntVector v = IntVector.fromMemorySegment(I, w, c + 128 + 64L * k, VectorShapes.LE);
        FloatVector x0 = FloatVector.fromArray(F, prep, xb + 32 * k);
        FloatVector x1 = FloatVector.fromArray(F, prep, xb + 32 * k + 16);
        t0 = floats(v.and(0x0F)).fma(x0, t0);
        t1 = floats(v.lanewise(VectorOperators.LSHR, 8).and(0x0F)).fma(x0, t1);
        t2 = floats(v.lanewise(VectorOperators.LSHR, 16).and(0x0F)).fma(x0, t2);
        t3 = floats(v.lanewise(VectorOperators.LSHR, 24).and(0x0F)).fma(x0, t3);
        u0 = floats(v.lanewise(VectorOperators.LSHR, 4).and(0x0F)).fma(x1, u0);
        u1 = floats(v.lanewise(VectorOperators.LSHR, 12).and(0x0F)).fma(x1, u1);
        u2 = floats(v.lanewise(VectorOperators.LSHR, 20).and(0x0F)).fma(x1, u2);
        u3 = floats(v.lanewise(VectorOperators.LSHR, 28)).fma(x1, u3);
      }
      t0.add(u0).intoArray(scratch, 64 * b);
      t1.add(u1).intoArray(scratch, 64 * b + 16);
      t2.add(u2).intoArray(scratch, 64 * b + 32);
      t3.add(u3).intoArray(scratch, 64 * b + 48);
    }
  }

  /**
   * {@code Σ (d·sc·q − dmin·m)·x = Σ t·(d·sc) + Σx·(−dmin·m)}, lane-wise over the super-blocks, for
   * the four rows, from {@link #q4Quants}' sums {@code t} and the prepared lane sums {@code Σx}.
   */
  static void q4Scales(
      MemorySegment w,
      long o,
      int blocks,
      float[] prep,
      int n,
      float[] scratch,
      float[] out,
      int at) {
    for (int j = 0; j < 4; j++) {
      FloatVector a = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long c = o + (long) Q4_CELL * b;
        FloatVector sm = floats(ints(w, c + 32 + 16L * j));
        FloatVector t = FloatVector.fromArray(F, scratch, 64 * b + 16 * j);
        FloatVector s = FloatVector.fromArray(F, prep, n + 16 * b);
        a = t.fma(sm.rearrange(LOW_TWICE).mul(w.get(FLOAT, c + 4L * j)), a);
        a = s.fma(sm.rearrange(HIGH_TWICE).mul(w.get(FLOAT, c + 16 + 4L * j)), a);
      }
      out[at + j] = a.reduceLanes(VectorOperators.ADD);
    }
  }

  /**
   * As {@link #q4Group} for Q6_K cells (the prepared lane sums are {@code 32·Σx}). The quant pass
   * runs row by row within a cell (a loop over the rows, each on two chains; the rows' iterations
   * are independent, so they overlap), which keeps the compiled loop small: with the four rows
   * written out and a helper per row's quarter, C2 compiled the helper on its own and then refused
   * to inline it ("already compiled into a big method"), boxing every vector: twice the CPU of the
   * one-row kernel.
   */
  static void q6Group(
      MemorySegment w,
      long o,
      int blocks,
      float[] prep,
      int n,
      float[] out,
      int at,
      float[] scratch) {
    q6Quants(w, o, blocks, prep, scratch);
    q6Scales(w, o, blocks, prep, n, scratch, out, at);
  }

  /**
   * Per super-block {@code b} and row {@code j}: the lane-wise {@code Σ q·x} at {@code 64b + 16j}.
   */
  static void q6Quants(MemorySegment w, long o, int blocks, float[] prep, float[] scratch) {
    for (int b = 0; b < blocks; b++) {
      long c = o + (long) Q6_CELL * b;
      for (int j = 0; j < 4; j++) {
        FloatVector t0 = FloatVector.zero(F);
        FloatVector t1 = t0;
        for (int u = 0; u < 4; u++) {
          long a = c + 80 + 192L * u + 48L * j;
          int xv = 256 * b + 64 * u;
          IntVector qa = uints(w, a);
          IntVector qb = uints(w, a + 16);
          IntVector qc = uints(w, a + 32);
          IntVector q3 =
              qa.lanewise(VectorOperators.LSHR, 6)
                  .or(qb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
                  .or(qc.lanewise(VectorOperators.LSHR, 2).and(0x30));
          t0 = floats(qa.and(63)).fma(FloatVector.fromArray(F, prep, xv), t0);
          t1 = floats(qb.and(63)).fma(FloatVector.fromArray(F, prep, xv + 16), t1);
          t0 = floats(qc.and(63)).fma(FloatVector.fromArray(F, prep, xv + 32), t0);
          t1 = floats(q3).fma(FloatVector.fromArray(F, prep, xv + 48), t1);
        }
        t0.add(t1).intoArray(scratch, 64 * b + 16 * j);
      }
    }
  }

  /** {@code Σ sc·(q − 32)·x = Σ sc·(t − 32·Σx)} over the super-blocks, for the four rows. */
  static void q6Scales(
      MemorySegment w,
      long o,
      int blocks,
      float[] prep,
      int n,
      float[] scratch,
      float[] out,
      int at) {
    for (int j = 0; j < 4; j++) {
      FloatVector a = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long c = o + (long) Q6_CELL * b;
        FloatVector t = FloatVector.fromArray(F, scratch, 64 * b + 16 * j);
        FloatVector s = FloatVector.fromArray(F, prep, n + 16 * b);
        a = t.sub(s).fma(floats(ints(w, c + 16 + 16L * j)).mul(w.get(FLOAT, c + 4L * j)), a);
      }
      out[at + j] = a.reduceLanes(VectorOperators.ADD);
    }
  }

  /**
   * Row {@code j} of the Q4_K cell at {@code c}, dequantised in lane order into {@code dst[base ..
   * base + 256)} with vector stores ({@code q·(d·sc) − dmin·m} fused, as {@link
   * VectorRepackedKernels#laneBlock}).
   */
  static void q4Lanes(MemorySegment w, long c, int j, float[] dst, int base) {
    FloatVector sm = floats(ints(w, c + 32 + 16L * j));
    FloatVector scales = sm.rearrange(LOW_TWICE).mul(w.get(FLOAT, c + 4L * j));
    FloatVector mins = sm.rearrange(HIGH_TWICE).mul(w.get(FLOAT, c + 16 + 4L * j));
    for (int k = 0; k < 8; k++) {
      IntVector q =
          rowBytes(IntVector.fromMemorySegment(I, w, c + 128 + 64L * k, VectorShapes.LE), j);
      floats(q.and(0x0F)).fma(scales, mins).intoArray(dst, base + 32 * k);
      floats(q.lanewise(VectorOperators.LSHR, 4).and(0x0F))
          .fma(scales, mins)
          .intoArray(dst, base + 32 * k + 16);
    }
  }

  /** {@code v} shifted so that row {@code j}'s byte is lowest in each lane. */
  private static IntVector rowBytes(IntVector v, int j) {
    // constant shift counts: one compiled shift each, whatever j is (see InterleavedRows)
    return switch (j) {
      case 0 -> v;
      case 1 -> v.lanewise(VectorOperators.LSHR, 8);
      case 2 -> v.lanewise(VectorOperators.LSHR, 16);
      default -> v.lanewise(VectorOperators.LSHR, 24);
    };
  }

  /** As {@link #q4Lanes} for Q6_K ({@code d·sc·(q − 32)}, exact as the reference). */
  static void q6Lanes(MemorySegment w, long c, int j, float[] dst, int base) {
    FloatVector scales = floats(ints(w, c + 16 + 16L * j)).mul(w.get(FLOAT, c + 4L * j));
    for (int u = 0; u < 4; u++) {
      long a = c + 80 + 192L * u + 48L * j;
      IntVector qa = uints(w, a);
      IntVector qb = uints(w, a + 16);
      IntVector qc = uints(w, a + 32);
      IntVector q3 =
          qa.lanewise(VectorOperators.LSHR, 6)
              .or(qb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
              .or(qc.lanewise(VectorOperators.LSHR, 2).and(0x30));
      int v = base + 64 * u;
      floats(qa.and(63).sub(32)).mul(scales).intoArray(dst, v);
      floats(qb.and(63).sub(32)).mul(scales).intoArray(dst, v + 16);
      floats(qc.and(63).sub(32)).mul(scales).intoArray(dst, v + 32);
      floats(q3.sub(32)).mul(scales).intoArray(dst, v + 48);
    }
  }

  /**
   * Element {@code i} (lane order) of row {@code j} of the Q4_K cell at {@code c}, in {@link
   * ScalarKQuantKernels}' arithmetic {@code (d·sc)·q − dmin·m}: bit for bit the reference.
   */
  static float q4Value(MemorySegment w, long c, int j, int i) {
    int v = i / 16;
    int l = i % 16;
    int q = LittleEndian.u8(w, c + 128 + 64L * (v / 2) + 4L * l + j);
    q = v % 2 == 0 ? q & 0x0F : q >>> 4;
    float ds = w.get(FLOAT, c + 4L * j) * LittleEndian.u8(w, c + 32 + 16L * j + l % 8);
    float ms = -w.get(FLOAT, c + 16 + 4L * j) * LittleEndian.u8(w, c + 40 + 16L * j + l % 8);
    return ds * q - ms;
  }

  /** As {@link #q4Value} for Q6_K: {@code d · sc · (q − 32)}. */
  static float q6Value(MemorySegment w, long c, int j, int i) {
    int v = i / 16;
    int l = i % 16;
    long a = c + 80 + 192L * (v / 4) + 48L * j + l;
    int q;
    if (v % 4 < 3) {
      q = LittleEndian.u8(w, a + 16L * (v % 4)) & 63;
    } else {
      q =
          (LittleEndian.u8(w, a) >>> 6)
              | (LittleEndian.u8(w, a + 16) >>> 6) << 2
              | (LittleEndian.u8(w, a + 32) >>> 6) << 4;
    }
    return w.get(FLOAT, c + 4L * j) * LittleEndian.i8(w, c + 16 + 16L * j + l) * (q - 32);
  }
}
