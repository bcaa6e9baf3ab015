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
 * A prototype, not adopted: {@link WordQ4K} rows rearranged so that every address in {@link
 * WordQ4KProduct}'s pair loop is linear in the loop counter: all rows' quants first ({@code 128}
 * bytes per super-block, row after row), then all their headers ({@code 20} bytes each). The hope
 * was that C2 would then hoist the segment range checks out of the loop; it did not (a check per
 * load remained in the compiled loop), and neither this loop nor {@link #pairs2} (two super-blocks
 * per turn) was faster than the engine's ({@code WordQ4KSpeed -Dlinear=true},
 * docs/performance.md, "Where one-thread Q4_K_M stands").
 */
final class WordQ4KLinear {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  /** The copy and where its headers start. */
  record Rows(MemorySegment data, long headers, int rows, int n) {}

  private WordQ4KLinear() {}

  /** The rows of {@code word} (a {@link WordQ4K} copy of {@code rows x n}) in this layout. */
  static Rows of(RepackedRows word, int rows, int n) {
    int nb = n / 256;
    long headers = 128L * nb * rows;
    MemorySegment d = Arena.ofAuto().allocate(headers + 20L * nb * rows + 64, 64);
    for (int r = 0; r < rows; r++) {
      long o = r * word.rowBytes();
      MemorySegment.copy(word.data(), o, d, 128L * nb * r, 128L * nb);
      MemorySegment.copy(word.data(), WordQ4K.header(o, n, 0), d, headers + 20L * nb * r, 20L * nb);
    }
    return new Rows(d, headers, rows, n);
  }

  /** {@code out[r] = row r · x}, serially; {@code -Dtwo=true} takes {@link #pairs2}. */
  static void matvec(Rows m, float[] x, float[] out) {
    WordInput in = WordInput.prepared(WordQ4K.LAYOUT, x, 0, m.n());
    int h = m.rows() / 2;
    if (h > 0) {
      if (Boolean.getBoolean("two") && (m.n() / 256) % 2 == 0) {
        pairs2(m.data(), m.headers(), 0, h, h, m.n(), in, out, 0);
      } else {
        pairs(m.data(), m.headers(), 0, h, h, m.n(), in, out, 0);
      }
    }
    if (m.rows() % 2 == 1) {
      pairs(m.data(), m.headers(), m.rows() - 1, 0, 1, m.n(), in, out, 0);
    }
  }

  /** {@link WordQ4KProduct#pairs} over this layout: the same arithmetic, linear addresses. */
  static void pairs(
      MemorySegment w,
      long headers,
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
    long qa0 = 128L * nb * from;
    long dq = 128L * nb * h;
    long ha0 = headers + 20L * nb * from;
    long dh = 20L * nb * h;
    FloatVector accA = FloatVector.zero(F);
    FloatVector minA = accA;
    FloatVector accB = accA;
    FloatVector minB = accA;
    int b = 0;
    int ra = outOff + from;
    int total = count * nb;
    for (int i = 0; i < total; i++) {
      long qa = qa0 + 128L * i;
      long qb = qa + dq;
      long ha = ha0 + 20L * i;
      long hb = ha + dh;
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
      if (++b == nb) {
        out[ra] = accA.sub(minA).reduceLanes(VectorOperators.ADD);
        out[ra + h] = accB.sub(minB).reduceLanes(VectorOperators.ADD);
        accA = FloatVector.zero(F);
        minA = accA;
        accB = accA;
        minB = accA;
        b = 0;
        ra++;
      }
    }
  }

  /** {@link #pairs} with two super-blocks per loop turn ({@code n / 256} even). */
  static void pairs2(
      MemorySegment w,
      long headers,
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
    long qa0 = 128L * nb * from;
    long dq = 128L * nb * h;
    long ha0 = headers + 20L * nb * from;
    long dh = 20L * nb * h;
    FloatVector accA = FloatVector.zero(F);
    FloatVector minA = accA;
    FloatVector accB = accA;
    FloatVector minB = accA;
    int b = 0;
    int ra = outOff + from;
    int total = count * nb;
    for (int i0 = 0; i0 < total; i0 += 2) {
      for (int j = 0; j < 2; j++) {
        int i = i0 + j;
        long qa = qa0 + 128L * i;
        long qb = qa + dq;
        long ha = ha0 + 20L * i;
        long hb = ha + dh;
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
        minA =
            s.fma(
                sma.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha + 2))), minA);
        accB =
            fb.fma(
                smb.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb))).mul(sx), accB);
        minB =
            s.fma(
                smb.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb + 2))), minB);
        if (++b == nb) {
          out[ra] = accA.sub(minA).reduceLanes(VectorOperators.ADD);
          out[ra + h] = accB.sub(minB).reduceLanes(VectorOperators.ADD);
          accA = FloatVector.zero(F);
          minA = accA;
          accB = accA;
          minB = accA;
          b = 0;
          ra++;
        }
      }
    }
  }
}
