package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Experiments, not used by the engine, next to {@link InterleavedQ4Pairs}: the Q4_0 pair loop
 * without slices, reading both groups from the matrix segment at offsets as the engine's one-group
 * loop does ({@link #q4Whole}, {@code int} counter; {@link #q4WholeLong}, {@code long}), and the
 * one-group loop over a slice taken inside ({@link #q4Slice}). All are bit-identical to the
 * engine's one-group loop ({@code InterleavedGroupsTest}); none was faster over the real file
 * (docs/performance.md, "One-thread decode: Q4_0 two streams").
 */
final class InterleavedQ4Whole {
  private InterleavedQ4Whole() {}

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  /**
   * {@link InterleavedQ4Pairs#q4Pair} without slices: both groups read from the matrix segment at
   * {@code oa + 80·k} and {@code ob + 80·k}, as the engine's one-group Q4_0 loop reads its group.
   */
  static void q4Whole(
      MemorySegment w,
      long oa,
      long ob,
      int blocks,
      float[] x,
      int xOff,
      float[] out,
      int at,
      int bt) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    for (int k = 0; k < blocks; k++) {
      long c = oa + 80L * k;
      long e = ob + 80L * k;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * k);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * k + 16);
      IntVector av = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector at0 = NIBBLE_VALUES.mul(w.get(FLOAT, c)).reinterpretAsInts();
      IntVector at1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector at2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector at3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = av.selectFrom(at0).reinterpretAsFloats().fma(x0, a0);
      a0 = av.lanewise(VectorOperators.LSHR, 4).selectFrom(at0).reinterpretAsFloats().fma(x1, a0);
      a1 = av.lanewise(VectorOperators.LSHR, 8).selectFrom(at1).reinterpretAsFloats().fma(x0, a1);
      a1 = av.lanewise(VectorOperators.LSHR, 12).selectFrom(at1).reinterpretAsFloats().fma(x1, a1);
      a2 = av.lanewise(VectorOperators.LSHR, 16).selectFrom(at2).reinterpretAsFloats().fma(x0, a2);
      a2 = av.lanewise(VectorOperators.LSHR, 20).selectFrom(at2).reinterpretAsFloats().fma(x1, a2);
      a3 = av.lanewise(VectorOperators.LSHR, 24).selectFrom(at3).reinterpretAsFloats().fma(x0, a3);
      a3 = av.lanewise(VectorOperators.LSHR, 28).selectFrom(at3).reinterpretAsFloats().fma(x1, a3);
      IntVector bv = IntVector.fromMemorySegment(I, w, e + 16, LE);
      IntVector bt0 = NIBBLE_VALUES.mul(w.get(FLOAT, e)).reinterpretAsInts();
      IntVector bt1 = NIBBLE_VALUES.mul(w.get(FLOAT, e + 4)).reinterpretAsInts();
      IntVector bt2 = NIBBLE_VALUES.mul(w.get(FLOAT, e + 8)).reinterpretAsInts();
      IntVector bt3 = NIBBLE_VALUES.mul(w.get(FLOAT, e + 12)).reinterpretAsInts();
      b0 = bv.selectFrom(bt0).reinterpretAsFloats().fma(x0, b0);
      b0 = bv.lanewise(VectorOperators.LSHR, 4).selectFrom(bt0).reinterpretAsFloats().fma(x1, b0);
      b1 = bv.lanewise(VectorOperators.LSHR, 8).selectFrom(bt1).reinterpretAsFloats().fma(x0, b1);
      b1 = bv.lanewise(VectorOperators.LSHR, 12).selectFrom(bt1).reinterpretAsFloats().fma(x1, b1);
      b2 = bv.lanewise(VectorOperators.LSHR, 16).selectFrom(bt2).reinterpretAsFloats().fma(x0, b2);
      b2 = bv.lanewise(VectorOperators.LSHR, 20).selectFrom(bt2).reinterpretAsFloats().fma(x1, b2);
      b3 = bv.lanewise(VectorOperators.LSHR, 24).selectFrom(bt3).reinterpretAsFloats().fma(x0, b3);
      b3 = bv.lanewise(VectorOperators.LSHR, 28).selectFrom(bt3).reinterpretAsFloats().fma(x1, b3);
    }
    out[at + 0] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
    out[bt + 0] = b0.reduceLanes(VectorOperators.ADD);
    out[bt + 1] = b1.reduceLanes(VectorOperators.ADD);
    out[bt + 2] = b2.reduceLanes(VectorOperators.ADD);
    out[bt + 3] = b3.reduceLanes(VectorOperators.ADD);
  }

  /**
   * {@link #q4Whole} with a {@code long} counter running over group {@code a}'s offsets in the
   * matrix segment (group {@code b} at a fixed distance), for C2's long range-check loop nest.
   */
  static void q4WholeLong(
      MemorySegment w,
      long oa,
      long ob,
      int blocks,
      float[] x,
      int xOff,
      float[] out,
      int at,
      int bt) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    long d = ob - oa;
    long end = oa + 80L * blocks;
    int xi = xOff;
    for (long c = oa; c < end; c += 80) {
      long e = c + d;
      FloatVector x0 = FloatVector.fromArray(F, x, xi);
      FloatVector x1 = FloatVector.fromArray(F, x, xi + 16);
      xi += 32;
      IntVector av = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector at0 = NIBBLE_VALUES.mul(w.get(FLOAT, c)).reinterpretAsInts();
      IntVector at1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector at2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector at3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = av.selectFrom(at0).reinterpretAsFloats().fma(x0, a0);
      a0 = av.lanewise(VectorOperators.LSHR, 4).selectFrom(at0).reinterpretAsFloats().fma(x1, a0);
      a1 = av.lanewise(VectorOperators.LSHR, 8).selectFrom(at1).reinterpretAsFloats().fma(x0, a1);
      a1 = av.lanewise(VectorOperators.LSHR, 12).selectFrom(at1).reinterpretAsFloats().fma(x1, a1);
      a2 = av.lanewise(VectorOperators.LSHR, 16).selectFrom(at2).reinterpretAsFloats().fma(x0, a2);
      a2 = av.lanewise(VectorOperators.LSHR, 20).selectFrom(at2).reinterpretAsFloats().fma(x1, a2);
      a3 = av.lanewise(VectorOperators.LSHR, 24).selectFrom(at3).reinterpretAsFloats().fma(x0, a3);
      a3 = av.lanewise(VectorOperators.LSHR, 28).selectFrom(at3).reinterpretAsFloats().fma(x1, a3);
      IntVector bv = IntVector.fromMemorySegment(I, w, e + 16, LE);
      IntVector bt0 = NIBBLE_VALUES.mul(w.get(FLOAT, e)).reinterpretAsInts();
      IntVector bt1 = NIBBLE_VALUES.mul(w.get(FLOAT, e + 4)).reinterpretAsInts();
      IntVector bt2 = NIBBLE_VALUES.mul(w.get(FLOAT, e + 8)).reinterpretAsInts();
      IntVector bt3 = NIBBLE_VALUES.mul(w.get(FLOAT, e + 12)).reinterpretAsInts();
      b0 = bv.selectFrom(bt0).reinterpretAsFloats().fma(x0, b0);
      b0 = bv.lanewise(VectorOperators.LSHR, 4).selectFrom(bt0).reinterpretAsFloats().fma(x1, b0);
      b1 = bv.lanewise(VectorOperators.LSHR, 8).selectFrom(bt1).reinterpretAsFloats().fma(x0, b1);
      b1 = bv.lanewise(VectorOperators.LSHR, 12).selectFrom(bt1).reinterpretAsFloats().fma(x1, b1);
      b2 = bv.lanewise(VectorOperators.LSHR, 16).selectFrom(bt2).reinterpretAsFloats().fma(x0, b2);
      b2 = bv.lanewise(VectorOperators.LSHR, 20).selectFrom(bt2).reinterpretAsFloats().fma(x1, b2);
      b3 = bv.lanewise(VectorOperators.LSHR, 24).selectFrom(bt3).reinterpretAsFloats().fma(x0, b3);
      b3 = bv.lanewise(VectorOperators.LSHR, 28).selectFrom(bt3).reinterpretAsFloats().fma(x1, b3);
    }
    out[at + 0] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
    out[bt + 0] = b0.reduceLanes(VectorOperators.ADD);
    out[bt + 1] = b1.reduceLanes(VectorOperators.ADD);
    out[bt + 2] = b2.reduceLanes(VectorOperators.ADD);
    out[bt + 3] = b3.reduceLanes(VectorOperators.ADD);
  }

  /**
   * The engine's one-group Q4_0 loop ({@code InterleavedRows.q4Group}) over a slice of the group's
   * cells taken here, with an {@code int} counter: the form whose compiled main loop, in {@link
   * InterleavedQ4Pairs#q4Pair}, had no bounds checks and kept the index mask in a register.
   */
  static void q4Slice(
      MemorySegment cells, long o, long size, float[] x, int xOff, float[] out, int at) {
    MemorySegment w = cells.asSlice(o, size);
    int blocks = (int) (size / 80);
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int k = 0; k < blocks; k++) {
      long c = 80L * k;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * k);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * k + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector t0 = NIBBLE_VALUES.mul(w.get(FLOAT, c)).reinterpretAsInts();
      IntVector t1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector t2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector t3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
      a0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
      a1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
      a2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
      a3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }
}
