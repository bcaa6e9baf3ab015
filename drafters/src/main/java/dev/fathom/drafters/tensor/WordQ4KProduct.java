package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.SHORT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix–vector products over {@link WordQ4K} rows. The input is prepared once per product and
 * shared by every row ({@link WordInput}); a row's super-block is then eight 16-bit multiplies and
 * adds per 64 weights, and one float multiply-add with the lane-wise scales (and one with the mins
 * times the input's sub-block sums, which stay in floats).
 *
 * <p>The kernel walks rows {@code r} and {@code r + h} (half a thread's range apart) in one loop
 * over all their super-blocks, so that one thread keeps two sequential streams in flight and C2
 * compiles one long loop: a loop per row of 8 super-blocks spent more in C2's per-entry range check
 * set-up than in arithmetic (docs/performance.md, "Q4_K in 16-bit lanes"). As for {@link
 * RepackedFarPairs}, the body holds only Vector API and memory-access calls, and the matrix
 * segment's class is tested once so that C2 knows it exactly.
 *
 * <p>Accuracy: the input is rounded to 8 bits per 256 values (the scale is the largest magnitude
 * over 127), as llama.cpp does for its Q4_K products; the 16-bit sums cannot overflow (8 products
 * of at most {@code 15 · 127} per lane).
 */
final class WordQ4KProduct {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  /** The class of the engine's off-heap copies ({@code Arena.allocate}). */
  private static final Class<?> NATIVE = Arena.ofAuto().allocate(1).getClass();

  private WordQ4KProduct() {}

  /** Every row's product with {@code x}, the rows shared out over {@code parallel}. */
  static void matvec(
      MemorySegment w,
      long rowBytes,
      int rows,
      int n,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      Parallel parallel,
      boolean serial) {
    WordInput in = WordInput.prepared(WordQ4K.LAYOUT, x, xOff, n);
    if (serial) {
      rows(w, rowBytes, 0, rows, n, in, out, outOff);
    } else {
      parallel.forRange(0, rows, (from, to) -> rows(w, rowBytes, from, to, n, in, out, outOff));
    }
  }

  /**
   * Rows {@code [from, to)} times the prepared input into {@code out[outOff + r]}: rows {@code r}
   * and {@code r + h} together ({@code h} half the range), an odd last row on its own.
   */
  static void rows(
      MemorySegment w,
      long rowBytes,
      int from,
      int to,
      int n,
      WordInput in,
      float[] out,
      int outOff) {
    int h = (to - from) / 2;
    if (h > 0) {
      if (w.getClass() == NATIVE) {
        pairs(w, rowBytes, from, h, n, in.q, in.scales, in.sums, out, outOff);
      } else {
        for (int r = from; r < from + 2 * h; r++) {
          out[outOff + r] = dot(w, r * rowBytes, n, in);
        }
      }
    }
    for (int r = from + 2 * h; r < to; r++) {
      out[outOff + r] = dot(w, r * rowBytes, n, in);
    }
  }

  /** One row's product with the prepared input. */
  static float dot(MemorySegment w, long o, int n, WordInput in) {
    short[] xq = in.q;
    FloatVector acc = FloatVector.zero(F);
    FloatVector accMin = acc;
    for (int b = 0; b < n / 256; b++) {
      long p = o + 128L * b;
      int xb = 256 * b;
      ShortVector a = ShortVector.zero(S);
      ShortVector c = a;
      for (int k = 0; k < 4; k++) {
        ShortVector q =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, p + 32L * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        a = a.add(q.and((short) 0x0F).mul(ShortVector.fromArray(S, xq, xb + 64 * k)));
        c =
            c.add(
                q.lanewise(VectorOperators.LSHR, 4)
                    .mul(ShortVector.fromArray(S, xq, xb + 64 * k + 32)));
      }
      IntVector t = a.add(c).reinterpretAsInts();
      FloatVector f =
          (FloatVector)
              t.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(t.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      long hp = WordQ4K.header(o, n, b);
      FloatVector sm =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, hp + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      acc =
          f.fma(
              sm.rearrange(LOW_TWICE)
                  .mul(f16(w, hp))
                  .mul(FloatVector.fromArray(F, in.scales, 16 * b)),
              acc);
      accMin =
          FloatVector.fromArray(F, in.sums, 16 * b)
              .fma(sm.rearrange(HIGH_TWICE).mul(f16(w, hp + 2)), accMin);
    }
    return acc.sub(accMin).reduceLanes(VectorOperators.ADD);
  }

  private static float f16(MemorySegment w, long offset) {
    return Float.float16ToFloat(w.get(SHORT, offset));
  }

  /**
   * Rows {@code from .. from + h - 1} each with the row {@code h} after it, in one loop over all
   * their super-blocks; {@code w} is an {@code Arena} segment. Each row's arithmetic is {@link
   * #dot}'s, in its order.
   */
  private static void pairs(
      MemorySegment w,
      long rowBytes,
      int from,
      int h,
      int n,
      short[] xq,
      float[] xs,
      float[] sums,
      float[] out,
      int outOff) {
    int nb = n / 256;
    long quants = 128L * nb;
    long qa = from * rowBytes;
    long qb = (from + h) * rowBytes;
    long ha = qa + quants;
    long hb = qb + quants;
    // from the end of a row's quants to the next row's, and from the end of its headers
    long nextQuants = rowBytes - quants;
    long nextHeaders = rowBytes - 20L * nb;
    FloatVector accA = FloatVector.zero(F);
    FloatVector minA = accA;
    FloatVector accB = accA;
    FloatVector minB = accA;
    int b = 0;
    int ra = outOff + from;
    int total = h * nb;
    for (int i = 0; i < total; i++) {
      int xb = 256 * b;
      ShortVector x0 = ShortVector.fromArray(S, xq, xb);
      ShortVector x1 = ShortVector.fromArray(S, xq, xb + 32);
      ShortVector wa =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector wb =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector a = wa.and((short) 0x0F).mul(x0);
      ShortVector c = wa.lanewise(VectorOperators.LSHR, 4).mul(x1);
      ShortVector d = wb.and((short) 0x0F).mul(x0);
      ShortVector e = wb.lanewise(VectorOperators.LSHR, 4).mul(x1);
      for (int k = 1; k < 4; k++) {
        x0 = ShortVector.fromArray(S, xq, xb + 64 * k);
        x1 = ShortVector.fromArray(S, xq, xb + 64 * k + 32);
        wa =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qa + 32 * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        wb =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qb + 32 * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        a = a.add(wa.and((short) 0x0F).mul(x0));
        c = c.add(wa.lanewise(VectorOperators.LSHR, 4).mul(x1));
        d = d.add(wb.and((short) 0x0F).mul(x0));
        e = e.add(wb.lanewise(VectorOperators.LSHR, 4).mul(x1));
      }
      IntVector ia = a.add(c).reinterpretAsInts();
      IntVector ib = d.add(e).reinterpretAsInts();
      FloatVector fa =
          (FloatVector)
              ia.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ia.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector fb =
          (FloatVector)
              ib.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ib.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector s = FloatVector.fromArray(F, sums, 16 * b);
      FloatVector sma =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, ha + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector smb =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, hb + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector sx = FloatVector.fromArray(F, xs, 16 * b);
      accA =
          fa.fma(
              sma.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha))).mul(sx), accA);
      minA = s.fma(sma.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha + 2))), minA);
      accB =
          fb.fma(
              smb.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb))).mul(sx), accB);
      minB = s.fma(smb.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb + 2))), minB);
      qa += 128;
      qb += 128;
      ha += 20;
      hb += 20;
      if (++b == nb) {
        out[ra] = accA.sub(minA).reduceLanes(VectorOperators.ADD);
        out[ra + h] = accB.sub(minB).reduceLanes(VectorOperators.ADD);
        accA = FloatVector.zero(F);
        minA = accA;
        accB = accA;
        minB = accA;
        b = 0;
        ra++;
        qa += nextQuants;
        qb += nextQuants;
        ha += nextHeaders;
        hb += nextHeaders;
      }
    }
  }
}
