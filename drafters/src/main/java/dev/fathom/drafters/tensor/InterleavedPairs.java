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
 * Two row groups of an {@link InterleavedRows} matrix in one loop, for a thread's matrix-vector
 * product: groups {@code g} and {@code g + n/2} of the thread's {@code n}, so that one thread reads
 * two sequential streams far apart instead of one, each continuing where the previous pair left it.
 * Each group's arithmetic, and its order, is that of {@link InterleavedRows}' one-group loops, so
 * the results are the same bit for bit.
 *
 * <p>Why: with one thread the one-stream loop cost its in-cache arithmetic plus the bare read time
 * (docs/performance.md, "One-thread decode: two streams per thread"); two streams half the matrix
 * apart took 0.78–0.86 of its CPU per streamed Q8_0 weight in {@code InterleavedAB} (loaded
 * machine), while two adjacent groups per loop (each pair starting two cold streams) took 1.18.
 *
 * <p>Every call inside the loops is a Vector API or memory-access method, which C2 always inlines:
 * past its node cutoff ({@code NodeCountInliningCutoff}) C2 stops inlining ordinary helpers, and a
 * helper returning a vector that is not inlined boxes it (five to ten times slower). Hence the
 * written-out bodies.
 */
final class InterleavedPairs {
  private InterleavedPairs() {}

  /** {@code -Dfathom.engine.two-streams=false} keeps one row group (one stream) per loop. */
  static final String PROPERTY = "fathom.engine.two-streams";

  static final boolean ENABLED = EngineSwitch.read(PROPERTY, true);

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  /** Q8_0 groups at cell offsets {@code oa} and {@code ob}; outputs at {@code at}, {@code bt}. */
  static void q8(
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
      long ca = oa + 144L * k;
      long cb = ob + 144L * k;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * k);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * k + 16);
      FloatVector as0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 16, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector as1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 48, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector as2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 80, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector as3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 112, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      as0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 32, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as0);
      as1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 64, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as1);
      as2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 96, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as2);
      as3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, ca + 128, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, as3);
      a0 = as0.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 0)), a0);
      a1 = as1.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 4)), a1);
      a2 = as2.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 8)), a2);
      a3 = as3.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 12)), a3);
      FloatVector bs0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 16, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector bs1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 48, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector bs2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 80, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector bs3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 112, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      bs0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 32, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs0);
      bs1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 64, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs1);
      bs2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 96, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs2);
      bs3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, cb + 128, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, bs3);
      b0 = bs0.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 0)), b0);
      b1 = bs1.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 4)), b1);
      b2 = bs2.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 8)), b2);
      b3 = bs3.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 12)), b3);
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

  /** Q4_0 groups at cell offsets {@code oa} and {@code ob}; outputs at {@code at}, {@code bt}. */
  static void q4(
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
      long ca = oa + 80L * k;
      long cb = ob + 80L * k;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * k);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * k + 16);
      IntVector av = IntVector.fromMemorySegment(I, w, ca + 16, LE);
      IntVector at0 = NIBBLE_VALUES.mul(w.get(FLOAT, ca + 0)).reinterpretAsInts();
      IntVector at1 = NIBBLE_VALUES.mul(w.get(FLOAT, ca + 4)).reinterpretAsInts();
      IntVector at2 = NIBBLE_VALUES.mul(w.get(FLOAT, ca + 8)).reinterpretAsInts();
      IntVector at3 = NIBBLE_VALUES.mul(w.get(FLOAT, ca + 12)).reinterpretAsInts();
      a0 = av.selectFrom(at0).reinterpretAsFloats().fma(x0, a0);
      a0 = av.lanewise(VectorOperators.LSHR, 4).selectFrom(at0).reinterpretAsFloats().fma(x1, a0);
      a1 = av.lanewise(VectorOperators.LSHR, 8).selectFrom(at1).reinterpretAsFloats().fma(x0, a1);
      a1 = av.lanewise(VectorOperators.LSHR, 12).selectFrom(at1).reinterpretAsFloats().fma(x1, a1);
      a2 = av.lanewise(VectorOperators.LSHR, 16).selectFrom(at2).reinterpretAsFloats().fma(x0, a2);
      a2 = av.lanewise(VectorOperators.LSHR, 20).selectFrom(at2).reinterpretAsFloats().fma(x1, a2);
      a3 = av.lanewise(VectorOperators.LSHR, 24).selectFrom(at3).reinterpretAsFloats().fma(x0, a3);
      a3 = av.lanewise(VectorOperators.LSHR, 28).selectFrom(at3).reinterpretAsFloats().fma(x1, a3);
      IntVector bv = IntVector.fromMemorySegment(I, w, cb + 16, LE);
      IntVector bt0 = NIBBLE_VALUES.mul(w.get(FLOAT, cb + 0)).reinterpretAsInts();
      IntVector bt1 = NIBBLE_VALUES.mul(w.get(FLOAT, cb + 4)).reinterpretAsInts();
      IntVector bt2 = NIBBLE_VALUES.mul(w.get(FLOAT, cb + 8)).reinterpretAsInts();
      IntVector bt3 = NIBBLE_VALUES.mul(w.get(FLOAT, cb + 12)).reinterpretAsInts();
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
