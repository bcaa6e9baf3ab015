package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Loops over {@link InterleavedRows} cells with an {@code int} block counter, for {@link
 * InterleavedAB} and {@link InterleavedStepAB}; not used by the engine: the engine's Q8_0 and Q4_0
 * loops as they were before the Q8_0 loop took a {@code long} counter ({@link InterleavedGroups}),
 * and a table-free Q4_0 loop.
 */
final class InterleavedIntLoops {
  private InterleavedIntLoops() {}

  /** The engine's loops before the long induction variable (an int block counter), for A/B. */
  static void intLoops(
      MemorySegment w, boolean q8, int from, int to, int blocks, float[] x, float[] out) {
    for (int g = from; g < to; g++) {
      if (q8) {
        q8Group(w, blocks, (long) g * blocks * 144, x, 0, out, 4 * g);
      } else {
        q4Group(w, blocks, (long) g * blocks * 80, x, 0, out, 4 * g);
      }
    }
  }

  private static void q8Group(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 144L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      a0 = q8Row(w, c + 16, x0, x1, w.get(FLOAT, c), a0);
      a1 = q8Row(w, c + 48, x0, x1, w.get(FLOAT, c + 4), a1);
      a2 = q8Row(w, c + 80, x0, x1, w.get(FLOAT, c + 8), a2);
      a3 = q8Row(w, c + 112, x0, x1, w.get(FLOAT, c + 12), a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  /**
   * Q4_0 cells hold the four rows' 64 nibble bytes as one int vector whose lane {@code i} has byte
   * {@code i} of row {@code j} in its byte {@code j}: one load, and each row's low and high nibbles
   * are a shift away. The 16-entry table is scaled by the row's {@code d}, so a lookup yields the
   * dequantised weight {@code (q − 8)·d} and no multiply-add with the scale remains.
   */
  private static void q4Group(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, VectorShapes.LE);
      IntVector t0 = oldTable(w.get(FLOAT, c));
      IntVector t1 = oldTable(w.get(FLOAT, c + 4));
      IntVector t2 = oldTable(w.get(FLOAT, c + 8));
      IntVector t3 = oldTable(w.get(FLOAT, c + 12));
      a0 = oldLook(v, t0).fma(x0, a0);
      a0 = oldLook(v.lanewise(VectorOperators.LSHR, 4), t0).fma(x1, a0);
      a1 = oldLook(v.lanewise(VectorOperators.LSHR, 8), t1).fma(x0, a1);
      a1 = oldLook(v.lanewise(VectorOperators.LSHR, 12), t1).fma(x1, a1);
      a2 = oldLook(v.lanewise(VectorOperators.LSHR, 16), t2).fma(x0, a2);
      a2 = oldLook(v.lanewise(VectorOperators.LSHR, 20), t2).fma(x1, a2);
      a3 = oldLook(v.lanewise(VectorOperators.LSHR, 24), t3).fma(x0, a3);
      a3 = oldLook(v.lanewise(VectorOperators.LSHR, 28), t3).fma(x1, a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  private static final float[] NIBBLES = {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7};

  private static IntVector oldTable(float d) {
    return FloatVector.fromArray(F, NIBBLES, 0).mul(d).reinterpretAsInts();
  }

  private static FloatVector oldLook(IntVector v, IntVector t) {
    return v.selectFrom(t).reinterpretAsFloats();
  }

  private static FloatVector q8Row(
      MemorySegment w, long q, FloatVector x0, FloatVector x1, float d, FloatVector acc) {
    FloatVector s =
        ((FloatVector)
                ByteVector.fromMemorySegment(VectorShapes.B, w, q, LE)
                    .convertShape(VectorOperators.B2F, F, 0))
            .mul(x0);
    s =
        ((FloatVector)
                ByteVector.fromMemorySegment(VectorShapes.B, w, q + 16, LE)
                    .convertShape(VectorOperators.B2F, F, 0))
            .fma(x1, s);
    return s.fma(FloatVector.broadcast(F, d), acc);
  }

  private static final float MAGIC4 = 8388608f + 8f;

  /**
   * Q4_0 cells without the table: each nibble masked into the mantissa of {@code 2^23} ({@code
   * vpternlogd}) and {@code 2^23 + 8} subtracted gives {@code q − 8} exactly, then the row's scale
   * once per block, as for Q8_0 ({@code vsubps} instead of {@code vpandd} + {@code vpermd}).
   */
  static void q4Magic(MemorySegment w, int groups, int blocks, float[] x, float[] out) {
    for (int g = 0; g < groups; g++) {
      long o = (long) g * blocks * 80;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < blocks; b++) {
        long c = o + 80L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
        FloatVector s0 = v.and(15).or(0x4B000000).reinterpretAsFloats().sub(MAGIC4).mul(x0);
        s0 =
            v.lanewise(VectorOperators.LSHR, 4)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s0);
        FloatVector s1 =
            v.lanewise(VectorOperators.LSHR, 8)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .mul(x0);
        s1 =
            v.lanewise(VectorOperators.LSHR, 12)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s1);
        FloatVector s2 =
            v.lanewise(VectorOperators.LSHR, 16)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .mul(x0);
        s2 =
            v.lanewise(VectorOperators.LSHR, 20)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s2);
        FloatVector s3 =
            v.lanewise(VectorOperators.LSHR, 24)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .mul(x0);
        s3 =
            v.lanewise(VectorOperators.LSHR, 28)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s3);
        a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 0)), a0);
        a1 = s1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
        a2 = s2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
        a3 = s3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
      }
      out[4 * g] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * g + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * g + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * g + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }
}
