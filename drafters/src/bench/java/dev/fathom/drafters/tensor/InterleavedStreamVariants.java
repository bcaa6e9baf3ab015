package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Experiments, not used by the engine: two attempts at a Q8_0 group loop that reads memory more in
 * parallel than the engine's: {@link InterleavedPairs}' two streams with the engine's scale loads,
 * and one stream that reads a byte ahead for the hardware prefetcher. Selected in {@link
 * InterleavedPairs#groups} by {@code -Dpairs.direct=true} (with {@code -Dpairs=true} in {@link
 * InterleavedStepAB}) or {@code -Dpairs.ahead=BYTES}. Neither was faster over the real file
 * (docs/performance.md, "One-thread decode: a C2-stable two-stream loop, not found").
 */
final class InterleavedStreamVariants {
  private InterleavedStreamVariants() {}

  /**
   * Groups {@code [from, to)} with {@link #q8Ahead}, the last ones (no room ahead) the engine's.
   */
  static void aheadGroups(InterleavedRows cells, int from, int to, float[] x, float[] out) {
    MemorySegment w = cells.data();
    long size = cells.rowBytes() * 4;
    long end = w.byteSize();
    for (int g = from; g < to; g++) {
      long o = g * size;
      if (o + size + AHEAD <= end) {
        q8Ahead(w, o, size, x, 0, out, 4 * g);
      } else {
        cells.groups(w, g, g + 1, x, 0, out, 0);
      }
    }
  }

  /** {@code -Dpairs.direct=true}: {@link #q8Direct} instead of {@link InterleavedPairs#q8}. */
  static final boolean DIRECT = Boolean.getBoolean("pairs.direct");

  /** {@link InterleavedPairs#q8} with each scale broadcast straight from memory. */
  static void q8Direct(
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

  /** {@code -Dpairs.ahead=BYTES}: {@link #q8Ahead} with a read that far ahead. */
  static final long AHEAD = Long.getLong("pairs.ahead", 0);

  static int sink;

  /**
   * The engine's one-group Q8_0 loop plus one byte read {@link #AHEAD} bytes ahead per cell, so
   * that the hardware prefetcher follows a second stream; {@code w} holds the group's {@code size}
   * bytes at {@code o} of {@code all}, whose bytes {@code AHEAD} further on are read too.
   */
  static void q8Ahead(
      MemorySegment all, long o, long size, float[] x, int xOff, float[] out, int at) {
    MemorySegment w = all.asSlice(o, size);
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int xi = xOff;
    int t = 0;
    for (long c = 0; c < w.byteSize(); c += 144) {
      t += all.get(ValueLayout.JAVA_BYTE, o + c + AHEAD);
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
    sink = t;
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }
}
