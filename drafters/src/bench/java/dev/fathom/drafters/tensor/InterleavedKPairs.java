package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An experiment: the quant pass of the four-row Q4_K cells ({@link InterleavedKKernels#q4Quants})
 * over <em>two</em> row groups at once, {@code g} and {@code g + h} half the range apart, so that
 * one thread reads two sequential streams of cells, built with the recipe that made the Q8_0
 * two-stream loop stable ({@link InterleavedGroups#q8Pair}): the slices are taken inside the
 * method, the body holds only Vector API and memory-access calls (no helpers for C2 to leave
 * uninlined), a {@code long} counter runs over a slice, and the scales and mins stay a second
 * compiled pass ({@link InterleavedKKernels#q4Scales}) per group. The cells alone stream at their
 * in-cache arithmetic plus the bare read time; a second stream is what made the Q8_0 cells hide the
 * read.
 *
 * <p>{@link #q4Pair4} keeps four chains per stream (one per row, the low and high nibbles on the
 * same chain), {@link #q4Pair8} eight (one per row and nibble, as the one-stream pass). Each
 * writes, per super-block {@code b} and row {@code j}, the lane-wise {@code Σ q·x} at {@code 64b +
 * 16j} of {@code sa} (group at {@code oa}) and {@code sb} (group at {@code ob}), as {@link
 * InterleavedKKernels#q4Quants} does for one group.
 */
final class InterleavedKPairs {
  private InterleavedKPairs() {}

  /**
   * The products of row groups {@code [from, to)} of {@code cells} ({@code blocks} cells per group)
   * with the prepared input {@code prep} ({@code n} values and the lane sums): groups {@code g} and
   * {@code g + h} through {@code pass}'s two-stream quant pass, an odd group last on its own.
   */
  static void groups(
      MemorySegment w,
      int blocks,
      int from,
      int to,
      float[] prep,
      float[] out,
      int outOff,
      float[] sa,
      float[] sb,
      boolean eight) {
    int n = 256 * blocks;
    long size = (long) blocks * InterleavedKKernels.Q4_CELL;
    int h = (to - from) / 2;
    for (int g = from; g < from + h; g++) {
      if (eight) {
        q4Pair8(w, g * size, (g + h) * size, size, prep, sa, sb);
      } else {
        q4Pair4(w, g * size, (g + h) * size, size, prep, sa, sb);
      }
      InterleavedKKernels.q4Scales(w, g * size, blocks, prep, n, sa, out, outOff + 4 * g);
      InterleavedKKernels.q4Scales(
          w, (g + h) * size, blocks, prep, n, sb, out, outOff + 4 * (g + h));
    }
    for (int g = from + 2 * h; g < to; g++) {
      InterleavedKKernels.q4Group(w, g * size, blocks, prep, n, out, outOff + 4 * g, sa);
    }
  }

  /** Two streams, four chains each (one per row). */
  static void q4Pair4(
      MemorySegment cells, long oa, long ob, long size, float[] prep, float[] sa, float[] sb) {
    // taken here, not passed in: C2 then knows their exact class (InterleavedGroups.q8Pair)
    MemorySegment wa = cells.asSlice(oa, size);
    MemorySegment wb = cells.asSlice(ob, size);
    int xb = 0;
    int s = 0;
    for (long c = 0; c < wa.byteSize(); c += InterleavedKKernels.Q4_CELL) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      FloatVector b2 = a0;
      FloatVector b3 = a0;
      for (int k = 0; k < 8; k++) {
        IntVector va = IntVector.fromMemorySegment(I, wa, c + 128 + 64L * k, LE);
        IntVector vb = IntVector.fromMemorySegment(I, wb, c + 128 + 64L * k, LE);
        FloatVector x0 = FloatVector.fromArray(F, prep, xb + 32 * k);
        FloatVector x1 = FloatVector.fromArray(F, prep, xb + 32 * k + 16);
        a0 = ((FloatVector) va.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, a0);
        b0 = ((FloatVector) vb.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, b0);
        a1 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 8).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, a1);
        b1 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 8).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, b1);
        a2 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 16).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, a2);
        b2 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 16).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, b2);
        a3 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 24).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, a3);
        b3 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 24).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, b3);
        a0 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, a0);
        b0 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, b0);
        a1 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 12).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, a1);
        b1 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 12).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, b1);
        a2 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 20).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, a2);
        b2 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 20).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, b2);
        a3 =
            ((FloatVector) va.lanewise(VectorOperators.LSHR, 28).convert(VectorOperators.I2F, 0))
                .fma(x1, a3);
        b3 =
            ((FloatVector) vb.lanewise(VectorOperators.LSHR, 28).convert(VectorOperators.I2F, 0))
                .fma(x1, b3);
      }
      a0.intoArray(sa, s);
      a1.intoArray(sa, s + 16);
      a2.intoArray(sa, s + 32);
      a3.intoArray(sa, s + 48);
      b0.intoArray(sb, s);
      b1.intoArray(sb, s + 16);
      b2.intoArray(sb, s + 32);
      b3.intoArray(sb, s + 48);
      xb += 256;
      s += 64;
    }
  }

  /** Two streams, eight chains each (one per row and nibble half). */
  static void q4Pair8(
      MemorySegment cells, long oa, long ob, long size, float[] prep, float[] sa, float[] sb) {
    MemorySegment wa = cells.asSlice(oa, size);
    MemorySegment wb = cells.asSlice(ob, size);
    int xb = 0;
    int s = 0;
    for (long c = 0; c < wa.byteSize(); c += InterleavedKKernels.Q4_CELL) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      FloatVector b2 = a0;
      FloatVector b3 = a0;
      FloatVector b4 = a0;
      FloatVector b5 = a0;
      FloatVector b6 = a0;
      FloatVector b7 = a0;
      for (int k = 0; k < 8; k++) {
        IntVector va = IntVector.fromMemorySegment(I, wa, c + 128 + 64L * k, LE);
        IntVector vb = IntVector.fromMemorySegment(I, wb, c + 128 + 64L * k, LE);
        FloatVector x0 = FloatVector.fromArray(F, prep, xb + 32 * k);
        FloatVector x1 = FloatVector.fromArray(F, prep, xb + 32 * k + 16);
        a0 = ((FloatVector) va.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, a0);
        b0 = ((FloatVector) vb.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, b0);
        a1 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 8).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, a1);
        b1 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 8).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, b1);
        a2 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 16).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, a2);
        b2 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 16).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, b2);
        a3 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 24).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, a3);
        b3 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 24).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x0, b3);
        a4 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, a4);
        b4 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, b4);
        a5 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 12).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, a5);
        b5 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 12).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, b5);
        a6 =
            ((FloatVector)
                    va.lanewise(VectorOperators.LSHR, 20).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, a6);
        b6 =
            ((FloatVector)
                    vb.lanewise(VectorOperators.LSHR, 20).and(0x0F).convert(VectorOperators.I2F, 0))
                .fma(x1, b6);
        a7 =
            ((FloatVector) va.lanewise(VectorOperators.LSHR, 28).convert(VectorOperators.I2F, 0))
                .fma(x1, a7);
        b7 =
            ((FloatVector) vb.lanewise(VectorOperators.LSHR, 28).convert(VectorOperators.I2F, 0))
                .fma(x1, b7);
      }
      a0.add(a4).intoArray(sa, s);
      a1.add(a5).intoArray(sa, s + 16);
      a2.add(a6).intoArray(sa, s + 32);
      a3.add(a7).intoArray(sa, s + 48);
      b0.add(b4).intoArray(sb, s);
      b1.add(b5).intoArray(sb, s + 16);
      b2.add(b6).intoArray(sb, s + 32);
      b3.add(b7).intoArray(sb, s + 48);
      xb += 256;
      s += 64;
    }
  }
}
