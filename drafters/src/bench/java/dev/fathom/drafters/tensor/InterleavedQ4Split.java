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
 * An experiment, not used by the engine: the engine's one-group Q4_0 loop ({@code
 * InterleavedRows.q4Group}, same loads, lookups and loop form) with eight accumulators instead of
 * four, one for each row's low-nibble products and one for its high-nibble products, added at the
 * end. In the engine's loop each row's accumulator takes two dependent FMAs per cell, so a cell
 * cannot finish in less than two FMA latencies (8 cycles on Zen 4/5), about what a cell costs in
 * cache; here the chain is one FMA per cell. The sums are reassociated, so the results differ from
 * the engine's in the last bits.
 */
final class InterleavedQ4Split {
  private InterleavedQ4Split() {}

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  /** Groups {@code [from, to)} of the Q4_0 {@code cells} one at a time, into {@code out}. */
  static void groups(InterleavedRows cells, int from, int to, float[] x, float[] out) {
    MemorySegment w = cells.data();
    long size = cells.rowBytes() * 4;
    int blocks = (int) (size / 80);
    for (int g = from; g < to; g++) {
      q4Split(w, blocks, g * size, x, 0, out, 4 * g);
    }
  }

  /** The four products of the group whose {@code blocks} cells start at {@code o} in {@code w}. */
  static void q4Split(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector h0 = a0;
    FloatVector h1 = a0;
    FloatVector h2 = a0;
    FloatVector h3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector t0 = NIBBLE_VALUES.mul(w.get(FLOAT, c)).reinterpretAsInts();
      IntVector t1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector t2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector t3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
      h0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, h0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
      h1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t1).reinterpretAsFloats().fma(x1, h1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
      h2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t2).reinterpretAsFloats().fma(x1, h2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
      h3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t3).reinterpretAsFloats().fma(x1, h3);
    }
    out[at] = a0.add(h0).reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.add(h1).reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.add(h2).reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.add(h3).reduceLanes(VectorOperators.ADD);
  }
}
