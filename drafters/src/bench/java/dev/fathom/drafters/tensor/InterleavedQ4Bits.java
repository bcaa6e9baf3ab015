package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An experiment: Q4_0 cells without the table lookup. Each nibble {@code n} is shifted to bits
 * 16–19 and masked into the mantissa of 1.0 ({@code (v & 0xF0000) | 0x3F800000}, one {@code
 * vpternlogd}), which is the float {@code 1 + n/128}; the row's sum {@code Σ (1 + n/128)·x} of a
 * block is scaled by its {@code d} once, and {@code (1 + 8/128)·Σx} per block (the block sums of
 * {@code x}, computed once per call) is taken off at the end with the four scales as one 4-lane
 * vector. Per cell: 7 shifts, 8 masks, 12 multiplies and FMAs and one 4-lane FMA, against the
 * engine's 7 shifts, 8 index masks, 8 {@code vpermd}, 4 table multiplies and 8 FMAs; each row's
 * accumulator takes one FMA per cell instead of two. The sums are reassociated and carry the
 * cancellation of {@code 1 + n/128} against {@code 1 + 8/128}: results differ from the engine's in
 * the low bits.
 */
final class InterleavedQ4Bits {
  private InterleavedQ4Bits() {}

  private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
  private static final int MASK = 0x000F0000;
  private static final int ONE = 0x3F800000;
  private static final float BIAS = 1f + 8f / 128f;

  /** Groups {@code [from, to)} of the Q4_0 {@code cells} one at a time, into {@code out}. */
  static void groups(InterleavedRows cells, int from, int to, float[] x, float[] out) {
    groups("bits", cells, from, to, x, out);
  }

  /** {@link #groups} with the loop {@code form}: {@code bits}, {@code orand} or {@code denorm}. */
  static void groups(String form, InterleavedRows cells, int from, int to, float[] x, float[] out) {
    MemorySegment w = cells.data();
    long size = cells.rowBytes() * 4;
    int blocks = (int) (size / 80);
    if (form.equals("denorm")) {
      float[] scaled = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        scaled[i] = x[i] * 0x1p126f;
      }
      float[] sums = blockSums(x, 0, blocks);
      for (int b = 0; b < blocks; b++) {
        sums[b] *= 8f / BIAS;
      }
      for (int g = from; g < to; g++) {
        q4Denorm(w, blocks, g * size, scaled, 0, sums, out, 4 * g);
      }
      return;
    }
    float[] sums = blockSums(x, 0, blocks);
    for (int g = from; g < to; g++) {
      if (form.equals("orand")) {
        q4OrAnd(w, blocks, g * size, x, 0, sums, out, 4 * g);
      } else {
        q4Bits(w, blocks, g * size, x, 0, sums, out, 4 * g);
      }
    }
  }

  /** {@code (1 + 8/128)·Σx} of each 32-value block of {@code x}. */
  static float[] blockSums(float[] x, int xOff, int blocks) {
    float[] s = new float[blocks];
    for (int b = 0; b < blocks; b++) {
      s[b] =
          FloatVector.fromArray(F, x, xOff + 32 * b)
                  .add(FloatVector.fromArray(F, x, xOff + 32 * b + 16))
                  .reduceLanes(VectorOperators.ADD)
              * BIAS;
    }
    return s;
  }

  /** The four products of the group whose cells start at {@code o}. */
  static void q4Bits(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] sums, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector corr = FloatVector.zero(F4);
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      FloatVector d = FloatVector.fromMemorySegment(F4, w, c, LE);
      corr = d.fma(FloatVector.broadcast(F4, sums[b]), corr);
      FloatVector s0 =
          v.lanewise(VectorOperators.LSHL, 16).and(MASK).or(ONE).reinterpretAsFloats().mul(x0);
      s0 = v.lanewise(VectorOperators.LSHL, 12).and(MASK).or(ONE).reinterpretAsFloats().fma(x1, s0);
      FloatVector s1 =
          v.lanewise(VectorOperators.LSHL, 8).and(MASK).or(ONE).reinterpretAsFloats().mul(x0);
      s1 = v.lanewise(VectorOperators.LSHL, 4).and(MASK).or(ONE).reinterpretAsFloats().fma(x1, s1);
      FloatVector s2 = v.and(MASK).or(ONE).reinterpretAsFloats().mul(x0);
      s2 = v.lanewise(VectorOperators.LSHR, 4).and(MASK).or(ONE).reinterpretAsFloats().fma(x1, s2);
      FloatVector s3 =
          v.lanewise(VectorOperators.LSHR, 8).and(MASK).or(ONE).reinterpretAsFloats().mul(x0);
      s3 = v.lanewise(VectorOperators.LSHR, 12).and(MASK).or(ONE).reinterpretAsFloats().fma(x1, s3);
      a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c)), a0);
      a1 = s1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
      a2 = s2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
      a3 = s3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
    }
    out[at] = 128f * (a0.reduceLanes(VectorOperators.ADD) - corr.lane(0));
    out[at + 1] = 128f * (a1.reduceLanes(VectorOperators.ADD) - corr.lane(1));
    out[at + 2] = 128f * (a2.reduceLanes(VectorOperators.ADD) - corr.lane(2));
    out[at + 3] = 128f * (a3.reduceLanes(VectorOperators.ADD) - corr.lane(3));
  }

  private static final int MASK_ONE = MASK | ONE;

  /** {@link #q4Bits} with each float formed as {@code (v | ONE) & (MASK | ONE)}. */
  static void q4OrAnd(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] sums, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector corr = FloatVector.zero(F4);
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      FloatVector d = FloatVector.fromMemorySegment(F4, w, c, LE);
      corr = d.fma(FloatVector.broadcast(F4, sums[b]), corr);
      FloatVector s0 =
          v.lanewise(VectorOperators.LSHL, 16).or(ONE).and(MASK_ONE).reinterpretAsFloats().mul(x0);
      s0 =
          v.lanewise(VectorOperators.LSHL, 12)
              .or(ONE)
              .and(MASK_ONE)
              .reinterpretAsFloats()
              .fma(x1, s0);
      FloatVector s1 =
          v.lanewise(VectorOperators.LSHL, 8).or(ONE).and(MASK_ONE).reinterpretAsFloats().mul(x0);
      s1 =
          v.lanewise(VectorOperators.LSHL, 4).or(ONE).and(MASK_ONE).reinterpretAsFloats().fma(x1, s1);
      FloatVector s2 = v.or(ONE).and(MASK_ONE).reinterpretAsFloats().mul(x0);
      s2 =
          v.lanewise(VectorOperators.LSHR, 4).or(ONE).and(MASK_ONE).reinterpretAsFloats().fma(x1, s2);
      FloatVector s3 =
          v.lanewise(VectorOperators.LSHR, 8).or(ONE).and(MASK_ONE).reinterpretAsFloats().mul(x0);
      s3 =
          v.lanewise(VectorOperators.LSHR, 12)
              .or(ONE)
              .and(MASK_ONE)
              .reinterpretAsFloats()
              .fma(x1, s3);
      a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c)), a0);
      a1 = s1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
      a2 = s2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
      a3 = s3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
    }
    out[at] = 128f * (a0.reduceLanes(VectorOperators.ADD) - corr.lane(0));
    out[at + 1] = 128f * (a1.reduceLanes(VectorOperators.ADD) - corr.lane(1));
    out[at + 2] = 128f * (a2.reduceLanes(VectorOperators.ADD) - corr.lane(2));
    out[at + 3] = 128f * (a3.reduceLanes(VectorOperators.ADD) - corr.lane(3));
  }

  /**
   * Nibbles masked to bits 16–19 with a zero exponent: the subnormal float {@code n·2^-133}, times
   * {@code x·2^126} (scaled once per call) is {@code n·x/128}; {@code 8·Σx} per block is taken off
   * at the end.
   */
  static void q4Denorm(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] sums, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector corr = FloatVector.zero(F4);
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      FloatVector d = FloatVector.fromMemorySegment(F4, w, c, LE);
      corr = d.fma(FloatVector.broadcast(F4, sums[b]), corr);
      FloatVector s0 = v.lanewise(VectorOperators.LSHL, 16).and(MASK).reinterpretAsFloats().mul(x0);
      s0 = v.lanewise(VectorOperators.LSHL, 12).and(MASK).reinterpretAsFloats().fma(x1, s0);
      FloatVector s1 = v.lanewise(VectorOperators.LSHL, 8).and(MASK).reinterpretAsFloats().mul(x0);
      s1 = v.lanewise(VectorOperators.LSHL, 4).and(MASK).reinterpretAsFloats().fma(x1, s1);
      FloatVector s2 = v.and(MASK).reinterpretAsFloats().mul(x0);
      s2 = v.lanewise(VectorOperators.LSHR, 4).and(MASK).reinterpretAsFloats().fma(x1, s2);
      FloatVector s3 = v.lanewise(VectorOperators.LSHR, 8).and(MASK).reinterpretAsFloats().mul(x0);
      s3 = v.lanewise(VectorOperators.LSHR, 12).and(MASK).reinterpretAsFloats().fma(x1, s3);
      a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c)), a0);
      a1 = s1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
      a2 = s2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
      a3 = s3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
    }
    out[at] = 128f * a0.reduceLanes(VectorOperators.ADD) - corr.lane(0);
    out[at + 1] = 128f * a1.reduceLanes(VectorOperators.ADD) - corr.lane(1);
    out[at + 2] = 128f * a2.reduceLanes(VectorOperators.ADD) - corr.lane(2);
    out[at + 3] = 128f * a3.reduceLanes(VectorOperators.ADD) - corr.lane(3);
  }
}
