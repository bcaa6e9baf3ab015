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
 * A prototype: {@link WordQ4K} super-blocks in tiles of {@link #TILE} rows, and within a tile column
 * by column (the tile's rows' super-block 0, quants then headers, then super-block 1, ...), so that a
 * product walks the memory in order, each column of a tile in one loop over its rows whose addresses
 * are linear in the row and whose input vectors are loaded outside it; the tile's accumulators (16
 * floats per row) stay in L1.
 */
final class WordQ4KTiles {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  static final int TILE = Integer.getInteger("tile", 64);

  /** {@code -Dinline=true}: each row's header right after its quants (one stream, 148-byte steps). */
  static final boolean INLINE = Boolean.getBoolean("inline");

  /** {@code -Dpair=true} (with inline): tiles {@code t} and {@code t + half} in one loop. */
  static final boolean PAIR = Boolean.getBoolean("pair");

  /** The copy. */
  record Rows(MemorySegment data, long headers, int rows, int n) {}

  private WordQ4KTiles() {}

  /** The rows of {@code word} (a {@link WordQ4K} copy of {@code rows x n}) in this layout. */
  static Rows of(RepackedRows word, int rows, int n) {
    int nb = n / 256;
    MemorySegment d = Arena.ofAuto().allocate(148L * nb * rows + 64, 64);
    for (int t0 = 0; t0 < rows; t0 += TILE) {
      int tr = Math.min(TILE, rows - t0);
      for (int b = 0; b < nb; b++) {
        long blk = 148L * nb * t0 + 148L * tr * b;
        for (int j = 0; j < tr; j++) {
          long o = (t0 + j) * word.rowBytes();
          long at = INLINE ? blk + 148L * j : blk + 128L * j;
          long hat = INLINE ? blk + 148L * j + 128 : blk + 128L * tr + 20L * j;
          MemorySegment.copy(word.data(), o + 128L * b, d, at, 128);
          MemorySegment.copy(word.data(), WordQ4K.header(o, n, b), d, hat, 20);
        }
      }
    }
    return new Rows(d, 0, rows, n);
  }

  private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[0]);

  /** {@code out[r] = row r · x}, serially. */
  static void matvec(Rows m, float[] x, float[] out) {
    WordInput in = WordInput.prepared(WordQ4K.LAYOUT, x, 0, m.n());
    float[] acc = ACC.get();
    if (acc.length < 16 * m.rows()) {
      acc = new float[16 * m.rows()];
      ACC.set(acc);
    }
    java.util.Arrays.fill(acc, 0, 16 * m.rows(), 0f);
    int nb = m.n() / 256;
    if (PAIR && INLINE && m.rows() % (2 * TILE) == 0) {
      int half = m.rows() / 2;
      for (int t0 = 0; t0 < half; t0 += TILE) {
        for (int b = 0; b < nb; b++) {
          long blk = 148L * nb * t0 + 148L * TILE * b;
          long blk1 = 148L * nb * (t0 + half) + 148L * TILE * b;
          columnPair(m.data(), blk, blk1, b, t0, t0 + TILE, t0 + half, in, acc);
        }
      }
    } else
    for (int t0 = 0; t0 < m.rows(); t0 += TILE) {
      int tr = Math.min(TILE, m.rows() - t0);
      for (int b = 0; b < nb; b++) {
        long blk = 148L * nb * t0 + 148L * tr * b;
        if (INLINE) {
          columnInline(m.data(), blk, b, t0, t0 + tr, in, acc);
        } else {
          column(m.data(), blk, blk + 128L * tr, b, t0, t0 + tr, in, acc);
        }
      }
    }
    for (int r = 0; r < m.rows(); r++) {
      out[r] = FloatVector.fromArray(F, acc, 16 * r).reduceLanes(VectorOperators.ADD);
    }
  }

  /**
   * Super-block column {@code b} of the tile of rows {@code [from, to)}, its quants at {@code q0}
   * and headers at {@code h0}, into the rows' accumulators.
   */
  static void column(
      MemorySegment w, long q0, long h0, int b, int from, int to, WordInput in, float[] acc) {
    short[] xq = in.q;
    int xb = 256 * b;
    ShortVector x0 = ShortVector.fromArray(S, xq, xb);
    ShortVector x1 = ShortVector.fromArray(S, xq, xb + 32);
    ShortVector x2 = ShortVector.fromArray(S, xq, xb + 64);
    ShortVector x3 = ShortVector.fromArray(S, xq, xb + 96);
    ShortVector x4 = ShortVector.fromArray(S, xq, xb + 128);
    ShortVector x5 = ShortVector.fromArray(S, xq, xb + 160);
    ShortVector x6 = ShortVector.fromArray(S, xq, xb + 192);
    ShortVector x7 = ShortVector.fromArray(S, xq, xb + 224);
    FloatVector sx = FloatVector.fromArray(F, in.scales, 16 * b);
    FloatVector negSums = FloatVector.fromArray(F, in.sums, 16 * b).neg();
    for (int r = from; r < to; r++) {
      long qa = q0 + 128L * (r - from);
      long ha = h0 + 20L * (r - from);
      ShortVector w0 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w1 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 32, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w2 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 64, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w3 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 96, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector lo =
          w0.and((short) 0x0F)
              .mul(x0)
              .add(w1.and((short) 0x0F).mul(x2))
              .add(w2.and((short) 0x0F).mul(x4))
              .add(w3.and((short) 0x0F).mul(x6));
      ShortVector hi =
          w0.lanewise(VectorOperators.LSHR, 4)
              .mul(x1)
              .add(w1.lanewise(VectorOperators.LSHR, 4).mul(x3))
              .add(w2.lanewise(VectorOperators.LSHR, 4).mul(x5))
              .add(w3.lanewise(VectorOperators.LSHR, 4).mul(x7));
      IntVector ia = lo.add(hi).reinterpretAsInts();
      FloatVector fa =
          (FloatVector)
              ia.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ia.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector sm =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, ha + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector v = FloatVector.fromArray(F, acc, 16 * r);
      v = fa.fma(sm.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha))).mul(sx), v);
      v = negSums.fma(sm.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha + 2))), v);
      v.intoArray(acc, 16 * r);
    }
  }

  /**
   * Super-block column {@code b} of the tile of rows {@code [from, to)}, rows of 148 bytes (quants,
   * header) from {@code q0}, into the rows' accumulators.
   */
  static void columnInline(
      MemorySegment w, long q0, int b, int from, int to, WordInput in, float[] acc) {
    short[] xq = in.q;
    int xb = 256 * b;
    ShortVector x0 = ShortVector.fromArray(S, xq, xb);
    ShortVector x1 = ShortVector.fromArray(S, xq, xb + 32);
    ShortVector x2 = ShortVector.fromArray(S, xq, xb + 64);
    ShortVector x3 = ShortVector.fromArray(S, xq, xb + 96);
    ShortVector x4 = ShortVector.fromArray(S, xq, xb + 128);
    ShortVector x5 = ShortVector.fromArray(S, xq, xb + 160);
    ShortVector x6 = ShortVector.fromArray(S, xq, xb + 192);
    ShortVector x7 = ShortVector.fromArray(S, xq, xb + 224);
    FloatVector sx = FloatVector.fromArray(F, in.scales, 16 * b);
    FloatVector negSums = FloatVector.fromArray(F, in.sums, 16 * b).neg();
    for (int r = from; r < to; r++) {
      long qa = q0 + 148L * (r - from);
      long ha = qa + 128;
      ShortVector w0 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w1 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 32, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w2 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 64, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w3 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 96, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector lo =
          w0.and((short) 0x0F)
              .mul(x0)
              .add(w1.and((short) 0x0F).mul(x2))
              .add(w2.and((short) 0x0F).mul(x4))
              .add(w3.and((short) 0x0F).mul(x6));
      ShortVector hi =
          w0.lanewise(VectorOperators.LSHR, 4)
              .mul(x1)
              .add(w1.lanewise(VectorOperators.LSHR, 4).mul(x3))
              .add(w2.lanewise(VectorOperators.LSHR, 4).mul(x5))
              .add(w3.lanewise(VectorOperators.LSHR, 4).mul(x7));
      IntVector ia = lo.add(hi).reinterpretAsInts();
      FloatVector fa =
          (FloatVector)
              ia.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ia.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector sm =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, ha + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector v = FloatVector.fromArray(F, acc, 16 * r);
      v = fa.fma(sm.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha))).mul(sx), v);
      v = negSums.fma(sm.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha + 2))), v);
      v.intoArray(acc, 16 * r);
    }
  }
  /** {@link #columnInline} over two tiles at once: rows {@code r} and {@code from1 + r - from}. */
  static void columnPair(
      MemorySegment w, long q0, long q1, int b, int from, int to, int from1, WordInput in,
      float[] acc) {
    short[] xq = in.q;
    int xb = 256 * b;
    ShortVector x0 = ShortVector.fromArray(S, xq, xb);
    ShortVector x1 = ShortVector.fromArray(S, xq, xb + 32);
    ShortVector x2 = ShortVector.fromArray(S, xq, xb + 64);
    ShortVector x3 = ShortVector.fromArray(S, xq, xb + 96);
    ShortVector x4 = ShortVector.fromArray(S, xq, xb + 128);
    ShortVector x5 = ShortVector.fromArray(S, xq, xb + 160);
    ShortVector x6 = ShortVector.fromArray(S, xq, xb + 192);
    ShortVector x7 = ShortVector.fromArray(S, xq, xb + 224);
    FloatVector sx = FloatVector.fromArray(F, in.scales, 16 * b);
    FloatVector negSums = FloatVector.fromArray(F, in.sums, 16 * b).neg();
    for (int r = from; r < to; r++) {
      long qa = q0 + 148L * (r - from);
      long ha = qa + 128;
      ShortVector w0 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w1 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 32, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w2 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 64, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w3 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 96, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector lo =
          w0.and((short) 0x0F)
              .mul(x0)
              .add(w1.and((short) 0x0F).mul(x2))
              .add(w2.and((short) 0x0F).mul(x4))
              .add(w3.and((short) 0x0F).mul(x6));
      ShortVector hi =
          w0.lanewise(VectorOperators.LSHR, 4)
              .mul(x1)
              .add(w1.lanewise(VectorOperators.LSHR, 4).mul(x3))
              .add(w2.lanewise(VectorOperators.LSHR, 4).mul(x5))
              .add(w3.lanewise(VectorOperators.LSHR, 4).mul(x7));
      IntVector ia = lo.add(hi).reinterpretAsInts();
      FloatVector fa =
          (FloatVector)
              ia.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ia.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector sm =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, ha + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector v = FloatVector.fromArray(F, acc, 16 * r);
      v = fa.fma(sm.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha))).mul(sx), v);
      v = negSums.fma(sm.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha + 2))), v);
      v.intoArray(acc, 16 * r);
      int r1 = from1 + (r - from);
      long qb = q1 + 148L * (r - from);
      long hb = qb + 128;
      ShortVector w0b =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w1b =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb + 32, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w2b =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb + 64, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector w3b =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb + 96, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector lob =
          w0b.and((short) 0x0F)
              .mul(x0)
              .add(w1b.and((short) 0x0F).mul(x2))
              .add(w2b.and((short) 0x0F).mul(x4))
              .add(w3b.and((short) 0x0F).mul(x6));
      ShortVector hib =
          w0b.lanewise(VectorOperators.LSHR, 4)
              .mul(x1)
              .add(w1b.lanewise(VectorOperators.LSHR, 4).mul(x3))
              .add(w2b.lanewise(VectorOperators.LSHR, 4).mul(x5))
              .add(w3b.lanewise(VectorOperators.LSHR, 4).mul(x7));
      IntVector iab = lob.add(hib).reinterpretAsInts();
      FloatVector fab =
          (FloatVector)
              iab.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(iab.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector smb =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, hb + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector u = FloatVector.fromArray(F, acc, 16 * r1);
      u = fab.fma(smb.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb))).mul(sx), u);
      u = negSums.fma(smb.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb + 2))), u);
      u.intoArray(acc, 16 * r1);
    }
  }
}
