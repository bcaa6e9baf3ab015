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
 * An experiment, not used by the engine: Q4_0 row groups {@code g} and {@code g + n/2} of an {@link
 * InterleavedRows} matrix in one loop (two sequential streams per thread, as {@link
 * InterleavedGroups#q8Pair} does for Q8_0), with the slices of the two groups taken inside the
 * method ({@link #q4Pair}: {@code int} block counter as the engine's one-group Q4_0 loop; {@link
 * #q4PairLong}: a {@code long} counter as the Q8_0 loops). Each group's arithmetic is the one-group
 * loop's, in its order, so the results are the same bit for bit ({@code InterleavedGroupsTest}).
 * Over the real Q4_0 file both took more CPU than one group at a time in nearly every fresh JVM
 * (docs/performance.md, "One-thread decode: Q4_0 two streams"); {@link InterleavedQ4Whole} holds
 * the forms without slices. Every call inside the loops is a Vector API or memory-access method.
 */
final class InterleavedQ4Pairs {
  private InterleavedQ4Pairs() {}

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  /**
   * Groups {@code [from, to)} of the Q4_0 {@code cells} into {@code out}, paired by the loop {@code
   * form} names ({@code slice}: {@link #q4Pair}, {@code long}: {@link #q4PairLong}, {@code whole}
   * and {@code wholelong}: {@link InterleavedQ4Whole}), or one at a time by {@link
   * InterleavedQ4Whole#q4Slice} ({@code one}); an odd last group by the engine's loop.
   */
  static void groups(String form, InterleavedRows cells, int from, int to, float[] x, float[] out) {
    MemorySegment w = cells.data();
    long size = cells.rowBytes() * 4;
    int blocks = (int) (size / 80);
    if (form.equals("chunks")) {
      InterleavedQ4Ablations.groups("chunks", cells, from, to, x, out);
      return;
    }
    if (form.equals("u2")) {
      InterleavedQ4Ablations.groups("q4u2", cells, from, to, x, out);
      return;
    }
    if (form.equals("bits")) {
      InterleavedQ4Bits.groups(cells, from, to, x, out);
      return;
    }
    if (form.equals("split")) {
      InterleavedQ4Split.groups(cells, from, to, x, out);
      return;
    }
    if (form.equals("one")) {
      for (int g = from; g < to; g++) {
        InterleavedQ4Whole.q4Slice(w, g * size, size, x, 0, out, 4 * g);
      }
      return;
    }
    int h = (to - from) / 2;
    for (int g = from; g < from + h; g++) {
      long oa = g * size;
      long ob = (g + h) * size;
      int at = 4 * g;
      int bt = 4 * (g + h);
      switch (form) {
        case "slice" -> q4Pair(w, oa, ob, size, x, 0, out, at, bt);
        case "long" -> q4PairLong(w, oa, ob, size, x, 0, out, at, bt);
        case "whole" -> InterleavedQ4Whole.q4Whole(w, oa, ob, blocks, x, 0, out, at, bt);
        case "wholelong" -> InterleavedQ4Whole.q4WholeLong(w, oa, ob, blocks, x, 0, out, at, bt);
        default -> throw new IllegalArgumentException("-Dq4=" + form + ": no such Q4_0 loop form");
      }
    }
    cells.groups(w, from + 2 * h, to, x, 0, out, 0);
  }

  /**
   * The products of two Q4_0 row groups, the {@code size} bytes of {@code cells} at {@code oa} and
   * at {@code ob}, into {@code out[at..]} and {@code out[bt..]}: one loop reading two sequential
   * streams, each group's arithmetic in the one-group loop's order ({@code InterleavedRows}'
   * q4Group), so the results are those of two one-group calls bit for bit. Like {@link
   * InterleavedGroups#q8Pair} it takes its slices itself; like the one-group Q4_0 loop it counts
   * blocks with an {@code int}.
   */
  static void q4Pair(
      MemorySegment cells,
      long oa,
      long ob,
      long size,
      float[] x,
      int xOff,
      float[] out,
      int at,
      int bt) {
    MemorySegment wa = cells.asSlice(oa, size);
    MemorySegment wb = cells.asSlice(ob, size);
    int blocks = (int) (size / 80);
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    for (int k = 0; k < blocks; k++) {
      long c = 80L * k;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * k);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * k + 16);
      IntVector av = IntVector.fromMemorySegment(I, wa, c + 16, LE);
      IntVector at0 = NIBBLE_VALUES.mul(wa.get(FLOAT, c)).reinterpretAsInts();
      IntVector at1 = NIBBLE_VALUES.mul(wa.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector at2 = NIBBLE_VALUES.mul(wa.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector at3 = NIBBLE_VALUES.mul(wa.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = av.selectFrom(at0).reinterpretAsFloats().fma(x0, a0);
      a0 = av.lanewise(VectorOperators.LSHR, 4).selectFrom(at0).reinterpretAsFloats().fma(x1, a0);
      a1 = av.lanewise(VectorOperators.LSHR, 8).selectFrom(at1).reinterpretAsFloats().fma(x0, a1);
      a1 = av.lanewise(VectorOperators.LSHR, 12).selectFrom(at1).reinterpretAsFloats().fma(x1, a1);
      a2 = av.lanewise(VectorOperators.LSHR, 16).selectFrom(at2).reinterpretAsFloats().fma(x0, a2);
      a2 = av.lanewise(VectorOperators.LSHR, 20).selectFrom(at2).reinterpretAsFloats().fma(x1, a2);
      a3 = av.lanewise(VectorOperators.LSHR, 24).selectFrom(at3).reinterpretAsFloats().fma(x0, a3);
      a3 = av.lanewise(VectorOperators.LSHR, 28).selectFrom(at3).reinterpretAsFloats().fma(x1, a3);
      IntVector bv = IntVector.fromMemorySegment(I, wb, c + 16, LE);
      IntVector bt0 = NIBBLE_VALUES.mul(wb.get(FLOAT, c)).reinterpretAsInts();
      IntVector bt1 = NIBBLE_VALUES.mul(wb.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector bt2 = NIBBLE_VALUES.mul(wb.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector bt3 = NIBBLE_VALUES.mul(wb.get(FLOAT, c + 12)).reinterpretAsInts();
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
   * {@link #q4Pair} with a {@code long} counter over the slices (the Q8_0 loops' form),
   * bit-identical to it.
   */
  static void q4PairLong(
      MemorySegment cells,
      long oa,
      long ob,
      long size,
      float[] x,
      int xOff,
      float[] out,
      int at,
      int bt) {
    MemorySegment wa = cells.asSlice(oa, size);
    MemorySegment wb = cells.asSlice(ob, size);
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    int xi = xOff;
    for (long c = 0; c < wa.byteSize(); c += 80) {
      FloatVector x0 = FloatVector.fromArray(F, x, xi);
      FloatVector x1 = FloatVector.fromArray(F, x, xi + 16);
      xi += 32;
      IntVector av = IntVector.fromMemorySegment(I, wa, c + 16, LE);
      IntVector at0 = NIBBLE_VALUES.mul(wa.get(FLOAT, c)).reinterpretAsInts();
      IntVector at1 = NIBBLE_VALUES.mul(wa.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector at2 = NIBBLE_VALUES.mul(wa.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector at3 = NIBBLE_VALUES.mul(wa.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = av.selectFrom(at0).reinterpretAsFloats().fma(x0, a0);
      a0 = av.lanewise(VectorOperators.LSHR, 4).selectFrom(at0).reinterpretAsFloats().fma(x1, a0);
      a1 = av.lanewise(VectorOperators.LSHR, 8).selectFrom(at1).reinterpretAsFloats().fma(x0, a1);
      a1 = av.lanewise(VectorOperators.LSHR, 12).selectFrom(at1).reinterpretAsFloats().fma(x1, a1);
      a2 = av.lanewise(VectorOperators.LSHR, 16).selectFrom(at2).reinterpretAsFloats().fma(x0, a2);
      a2 = av.lanewise(VectorOperators.LSHR, 20).selectFrom(at2).reinterpretAsFloats().fma(x1, a2);
      a3 = av.lanewise(VectorOperators.LSHR, 24).selectFrom(at3).reinterpretAsFloats().fma(x0, a3);
      a3 = av.lanewise(VectorOperators.LSHR, 28).selectFrom(at3).reinterpretAsFloats().fma(x1, a3);
      IntVector bv = IntVector.fromMemorySegment(I, wb, c + 16, LE);
      IntVector bt0 = NIBBLE_VALUES.mul(wb.get(FLOAT, c)).reinterpretAsInts();
      IntVector bt1 = NIBBLE_VALUES.mul(wb.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector bt2 = NIBBLE_VALUES.mul(wb.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector bt3 = NIBBLE_VALUES.mul(wb.get(FLOAT, c + 12)).reinterpretAsInts();
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
}
