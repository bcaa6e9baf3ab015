package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.SHORT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

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
 * shared by every row ({@link WordInput}); a row's super-block is then, per 64 weights, one 32-byte
 * load widened to shorts, a mask, a shift and two 16-bit multiplies and adds, and per super-block
 * one float multiply-add with the lane-wise scales (weights' times input's) and one with the mins
 * times the input's sub-block sums.
 *
 * <p>The kernel walks rows {@code r} and {@code r + h} (half a thread's range apart) in one loop
 * over all their super-blocks, so that one thread keeps two sequential streams in flight and C2
 * compiles one long loop: a loop per row of 8 super-blocks spent more in C2's per-entry range check
 * set-up than in arithmetic (docs/performance.md, "Products in 16-bit lanes"). As for {@link
 * RepackedFarPairs}, the body holds only Vector API and memory-access calls (helpers are left as
 * calls past C2's inlining budget, and a vector returned by a call is boxed), and the matrix
 * segment's class is tested once so that C2 knows it exactly.
 *
 * <p>Accuracy: the input is rounded to 8 bits per sub-block ({@link WordInput}); the 16-bit sums
 * cannot overflow (8 products of at most {@code 15 · 127} per lane).
 */
final class WordQ4KProduct {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  private WordQ4KProduct() {}

  /**
   * Rows {@code from .. from + count - 1} each with the row {@code h} after it ({@code h = 0}: the
   * row with itself), in one loop over all their super-blocks ({@link WordRows.PairLoop}); {@code
   * w} is an {@code Arena} segment.
   */
  static void pairs(
      MemorySegment w,
      long rowBytes,
      int from,
      int h,
      int count,
      int n,
      WordInput in,
      float[] out,
      int outOff) {
    short[] xq = in.q;
    float[] xs = in.scales;
    float[] sums = in.sums;
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
    int total = count * nb;
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
