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
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix–vector products over {@link WordQ6K} rows, built as {@link WordQ4KProduct}'s: the input
 * prepared once per product ({@link WordInput}, no sums: Q6_K has no mins), rows {@code r} and
 * {@code r + h} walked in one loop over all their super-blocks, the segment's class tested once.
 * Per 32-byte load of each of a group's three chunks: one zero extension to shorts, the quants
 * unpacked with masks and shifts, {@code − 32}, and a 16-bit multiply and add per vector.
 */
final class WordQ6KProduct {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  private WordQ6KProduct() {}

  /**
   * Rows {@code from .. from + count - 1} each with the row {@code h} after it ({@code h = 0}: the
   * row with itself), in one loop over all their super-blocks ({@link WordRows.PairLoop}); {@code
   * w} is an {@code Arena} segment. The body is written out (no helpers), as {@link
   * WordQ4KProduct}'s.
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
    int nb = n / 256;
    long quants = 192L * nb;
    long qa = from * rowBytes;
    long qb = (from + h) * rowBytes;
    long ha = qa + quants;
    long hb = qb + quants;
    long nextQuants = rowBytes - quants;
    long nextHeaders = rowBytes - 18L * nb;
    FloatVector accA = FloatVector.zero(F);
    FloatVector accB = accA;
    int b = 0;
    int ra = outOff + from;
    int total = count * nb;
    for (int i = 0; i < total; i++) {
      int xb = 256 * b;
      ShortVector ta = ShortVector.zero(S);
      ShortVector tb = ta;
      for (int u = 0; u < 2; u++) {
        ShortVector x0 = ShortVector.fromArray(S, xq, xb + 128 * u);
        ShortVector x1 = ShortVector.fromArray(S, xq, xb + 128 * u + 32);
        ShortVector x2 = ShortVector.fromArray(S, xq, xb + 128 * u + 64);
        ShortVector x3 = ShortVector.fromArray(S, xq, xb + 128 * u + 96);
        ShortVector a0 =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qa + 96 * u, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        ShortVector a1 =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qa + 96 * u + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        ShortVector a2 =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qa + 96 * u + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        ShortVector b0 =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qb + 96 * u, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        ShortVector b1 =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qb + 96 * u + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        ShortVector b2 =
            (ShortVector)
                ByteVector.fromMemorySegment(B256, w, qb + 96 * u + 64, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
        ShortVector a3 =
            a0.lanewise(VectorOperators.LSHR, 6)
                .or(a1.lanewise(VectorOperators.LSHR, 4).and((short) 0x0C))
                .or(a2.lanewise(VectorOperators.LSHR, 2).and((short) 0x30));
        ShortVector b3 =
            b0.lanewise(VectorOperators.LSHR, 6)
                .or(b1.lanewise(VectorOperators.LSHR, 4).and((short) 0x0C))
                .or(b2.lanewise(VectorOperators.LSHR, 2).and((short) 0x30));
        ta = ta.add(a0.and((short) 63).sub((short) 32).mul(x0));
        tb = tb.add(b0.and((short) 63).sub((short) 32).mul(x0));
        ta = ta.add(a1.and((short) 63).sub((short) 32).mul(x1));
        tb = tb.add(b1.and((short) 63).sub((short) 32).mul(x1));
        ta = ta.add(a2.and((short) 63).sub((short) 32).mul(x2));
        tb = tb.add(b2.and((short) 63).sub((short) 32).mul(x2));
        ta = ta.add(a3.sub((short) 32).mul(x3));
        tb = tb.add(b3.sub((short) 32).mul(x3));
      }
      IntVector ia = ta.reinterpretAsInts();
      IntVector ib = tb.reinterpretAsInts();
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
      FloatVector sa =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, ha + 2, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector sb =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, hb + 2, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector sx = FloatVector.fromArray(F, xs, 16 * b);
      accA = fa.fma(sa.mul(Float.float16ToFloat(w.get(SHORT, ha))).mul(sx), accA);
      accB = fb.fma(sb.mul(Float.float16ToFloat(w.get(SHORT, hb))).mul(sx), accB);
      qa += 192;
      qb += 192;
      ha += 18;
      hb += 18;
      if (++b == nb) {
        out[ra] = accA.reduceLanes(VectorOperators.ADD);
        out[ra + h] = accB.reduceLanes(VectorOperators.ADD);
        accA = FloatVector.zero(F);
        accB = accA;
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
