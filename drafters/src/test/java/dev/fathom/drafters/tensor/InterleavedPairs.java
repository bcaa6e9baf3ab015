package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An experiment, not used by the engine: two row groups of an {@link InterleavedRows} matrix in one
 * loop, groups {@code g} and {@code g + n/2} of a range of {@code n}, so that one thread reads two
 * sequential streams far apart instead of one, each continuing where the previous pair left it.
 * Each group's arithmetic, and its order, is that of {@link InterleavedRows}' one-group loops, so
 * the results are the same bit for bit ({@link InterleavedStepAB} checks it).
 *
 * <p>In one JVM on synthetic matrices ({@link InterleavedAB}) it took 0.73–0.81 of the one-stream
 * loop's CPU per streamed weight; in the engine it was not reliably faster, because C2 compiles the
 * two-cell body (about 35,000 parsed nodes, twice its {@code NodeCountInliningCutoff}, so most
 * Vector API calls are inlined late) differently from JVM to JVM: some runs kept range and
 * segment-liveness checks inside the loop and were 1.3–4 times slower (docs/performance.md,
 * "One-thread decode: two streams per thread"). Every call inside the loops is a Vector API or
 * memory-access method, which C2 always inlines; an ordinary helper past the cutoff is not inlined
 * and boxes the vectors it returns.
 */
final class InterleavedPairs {
  private InterleavedPairs() {}

  /**
   * Groups {@code [from, to)} of {@code cells} (Q8_0 when {@code q8}), paired, into {@code out}.
   */
  static void groups(InterleavedRows cells, boolean q8, int from, int to, float[] x, float[] out) {
    MemorySegment w = cells.data();
    long size = cells.rowBytes() * 4;
    int blocks = (int) (size / (q8 ? 144 : 80));
    if (q8 && InterleavedStreamVariants.AHEAD > 0) {
      InterleavedStreamVariants.aheadGroups(cells, from, to, x, out);
      return;
    }
    int h = (to - from) / 2;
    for (int g = from; g < from + h; g++) {
      int f = g + h;
      MemorySegment wa = w.asSlice(g * size, size);
      MemorySegment wb = w.asSlice(f * size, size);
      if (q8 && InterleavedStreamVariants.DIRECT) {
        InterleavedStreamVariants.q8Direct(wa, wb, blocks, x, 0, out, 4 * g, 4 * f);
      } else if (q8) {
        q8(wa, wb, blocks, x, 0, out, 4 * g, 4 * f);
      } else {
        q4(wa, wb, blocks, x, 0, out, 4 * g, 4 * f);
      }
    }
    cells.groups(w, from + 2 * h, to, x, 0, out, 0);
  }

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  /** Q8_0 groups whose cells are {@code wa} and {@code wb}; outputs at {@code at}, {@code bt}. */
  static void q8(
      MemorySegment wa,
      MemorySegment wb,
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
    int xi = xOff;
    for (long c = 0; c < wa.byteSize(); c += 144) {
      FloatVector da = FloatVector.fromMemorySegment(FloatVector.SPECIES_128, wa, c, LE);
      FloatVector db = FloatVector.fromMemorySegment(FloatVector.SPECIES_128, wb, c, LE);
      FloatVector x0 = FloatVector.fromArray(F, x, xi);
      FloatVector x1 = FloatVector.fromArray(F, x, xi + 16);
      xi += 32;
      FloatVector as0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 16, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector as1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 48, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector as2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 80, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector as3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 112, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      as0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 32, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as0);
      as1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 64, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as1);
      as2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 96, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as2);
      as3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, c + 128, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as3);
      a0 = as0.fma(FloatVector.broadcast(F, da.lane(0)), a0);
      a1 = as1.fma(FloatVector.broadcast(F, da.lane(1)), a1);
      a2 = as2.fma(FloatVector.broadcast(F, da.lane(2)), a2);
      a3 = as3.fma(FloatVector.broadcast(F, da.lane(3)), a3);
      FloatVector bs0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 16, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector bs1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 48, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector bs2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 80, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector bs3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 112, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      bs0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 32, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs0);
      bs1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 64, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs1);
      bs2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 96, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs2);
      bs3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, c + 128, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs3);
      b0 = bs0.fma(FloatVector.broadcast(F, db.lane(0)), b0);
      b1 = bs1.fma(FloatVector.broadcast(F, db.lane(1)), b1);
      b2 = bs2.fma(FloatVector.broadcast(F, db.lane(2)), b2);
      b3 = bs3.fma(FloatVector.broadcast(F, db.lane(3)), b3);
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

  /** Q4_0 groups whose cells are {@code wa} and {@code wb}; outputs at {@code at}, {@code bt}. */
  static void q4(
      MemorySegment wa,
      MemorySegment wb,
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
      long c = 80L * k;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * k);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * k + 16);
      IntVector av = IntVector.fromMemorySegment(I, wa, c + 16, LE);
      IntVector at0 = NIBBLE_VALUES.mul(wa.get(FLOAT, c + 0)).reinterpretAsInts();
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
      IntVector bt0 = NIBBLE_VALUES.mul(wb.get(FLOAT, c + 0)).reinterpretAsInts();
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
