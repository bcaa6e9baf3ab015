package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The matrix-vector loop over one Q8_0 row group of an {@link InterleavedRows} matrix: four rows,
 * one sequential stream of cells, four accumulator chains, each slice of {@code x} loaded once for
 * the four rows (the cell layout is described there).
 *
 * <p>The loop runs over a slice holding just the group's cells, with a {@code long} induction
 * variable, and has its body written out. With an {@code int} block counter and {@code long}
 * offsets ({@code o + 144L * b}), C2 kept a bounds check and its address arithmetic for every one
 * of a cell's 12 loads: 76 instructions per Q8_0 cell instead of 43. A {@code long} counted loop
 * gets C2's loop nest for long range checks, which hoists them; one-thread decode products took
 * about 6 % less CPU (docs/performance.md, "One-thread decode: bounds checks in the interleaved
 * loops"). The same form made Q4_0's loop 1.4 times slower, so Q4_0 keeps its int loop. Only Vector
 * API and memory-access calls, which C2 always inlines, are in the bodies: past its node cutoff
 * ({@code NodeCountInliningCutoff}) C2 stops inlining ordinary helpers, and a vector returned by a
 * call that is not inlined is boxed.
 */
final class InterleavedGroups {
  private InterleavedGroups() {}

  /**
   * The four products of the Q8_0 row group whose cells are the {@code size} bytes of {@code cells}
   * at {@code o}, into {@code out[at..]}. (The slice is taken here, where it does not escape.)
   */
  static void q8(MemorySegment cells, long o, long size, float[] x, int xOff, float[] out, int at) {
    MemorySegment w = cells.asSlice(o, size);
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int xi = xOff;
    for (long c = 0; c < w.byteSize(); c += 144) {
      FloatVector x0 = FloatVector.fromArray(F, x, xi);
      FloatVector x1 = FloatVector.fromArray(F, x, xi + 16);
      xi += 32;
      FloatVector s0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 16, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector s1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 48, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector s2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 80, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      FloatVector s3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 112, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(x0);
      s0 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 32, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, s0);
      s1 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 64, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, s1);
      s2 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 96, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, s2);
      s3 =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, w, c + 128, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .fma(x1, s3);
      a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 0)), a0);
      a1 = s1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
      a2 = s2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
      a3 = s3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  /**
   * The products of two Q8_0 row groups, the {@code size} bytes of {@code cells} at {@code oa} and
   * at {@code ob}, into {@code out[at..]} and {@code out[bt..]}: one loop reading two sequential
   * streams, each group's arithmetic in {@link #q8}'s order, so the results are those of two {@link
   * #q8} calls bit for bit.
   */
  static void q8Pair(
      MemorySegment cells,
      long oa,
      long ob,
      long size,
      float[] x,
      int xOff,
      float[] out,
      int at,
      int bt) {
    // the slices are taken here, where C2 sees their allocation and so their exact class: passed in
    // as parameters, their accesses went through virtual calls whose profiles differ from JVM to
    // JVM, and some JVMs compiled a loop three times the size that boxed vectors
    // (docs/performance.md)
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
    for (long c = 0; c < wa.byteSize(); c += 144) {
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
      a0 = as0.fma(FloatVector.broadcast(F, wa.get(FLOAT, c + 0)), a0);
      a1 = as1.fma(FloatVector.broadcast(F, wa.get(FLOAT, c + 4)), a1);
      a2 = as2.fma(FloatVector.broadcast(F, wa.get(FLOAT, c + 8)), a2);
      a3 = as3.fma(FloatVector.broadcast(F, wa.get(FLOAT, c + 12)), a3);
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
      b0 = bs0.fma(FloatVector.broadcast(F, wb.get(FLOAT, c + 0)), b0);
      b1 = bs1.fma(FloatVector.broadcast(F, wb.get(FLOAT, c + 4)), b1);
      b2 = bs2.fma(FloatVector.broadcast(F, wb.get(FLOAT, c + 8)), b2);
      b3 = bs3.fma(FloatVector.broadcast(F, wb.get(FLOAT, c + 12)), b3);
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
