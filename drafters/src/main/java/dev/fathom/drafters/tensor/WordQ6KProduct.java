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

  /** The class of the engine's off-heap copies ({@code Arena.allocate}). */
  private static final Class<?> NATIVE = Arena.ofAuto().allocate(1).getClass();

  private WordQ6KProduct() {}

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
    WordInput in = WordInput.prepared(WordQ6K.LAYOUT, x, xOff, n);
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
        pairs(w, rowBytes, from, h, n, in.q, in.scales, out, outOff);
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

  private static ShortVector shorts(MemorySegment w, long offset) {
    return (ShortVector)
        ByteVector.fromMemorySegment(B256, w, offset, LE)
            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
  }

  /** One row's product with the prepared input. */
  static float dot(MemorySegment w, long o, int n, WordInput in) {
    short[] xq = in.q;
    FloatVector acc = FloatVector.zero(F);
    for (int b = 0; b < n / 256; b++) {
      int xb = 256 * b;
      ShortVector t = ShortVector.zero(S);
      for (int u = 0; u < 2; u++) {
        long p = o + 192L * b + 96L * u;
        ShortVector qa = shorts(w, p);
        ShortVector qb = shorts(w, p + 32);
        ShortVector qc = shorts(w, p + 64);
        ShortVector q3 =
            qa.lanewise(VectorOperators.LSHR, 6)
                .or(qb.lanewise(VectorOperators.LSHR, 4).and((short) 0x0C))
                .or(qc.lanewise(VectorOperators.LSHR, 2).and((short) 0x30));
        int xv = xb + 128 * u;
        t = t.add(qa.and((short) 63).sub((short) 32).mul(ShortVector.fromArray(S, xq, xv)));
        t = t.add(qb.and((short) 63).sub((short) 32).mul(ShortVector.fromArray(S, xq, xv + 32)));
        t = t.add(qc.and((short) 63).sub((short) 32).mul(ShortVector.fromArray(S, xq, xv + 64)));
        t = t.add(q3.sub((short) 32).mul(ShortVector.fromArray(S, xq, xv + 96)));
      }
      IntVector i = t.reinterpretAsInts();
      FloatVector f =
          (FloatVector)
              i.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(i.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      long hp = WordQ6K.header(o, n, b);
      FloatVector sc =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, hp + 2, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      acc =
          f.fma(
              sc.mul(Float.float16ToFloat(w.get(SHORT, hp)))
                  .mul(FloatVector.fromArray(F, in.scales, 16 * b)),
              acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  /**
   * Rows {@code from .. from + h - 1} each with the row {@code h} after it, in one loop over all
   * their super-blocks; {@code w} is an {@code Arena} segment. Each row's arithmetic is {@link
   * #dot}'s; the body is written out (no helpers), as {@link WordQ4KProduct}'s.
   */
  private static void pairs(
      MemorySegment w,
      long rowBytes,
      int from,
      int h,
      int n,
      short[] xq,
      float[] xs,
      float[] out,
      int outOff) {
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
    int total = h * nb;
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
