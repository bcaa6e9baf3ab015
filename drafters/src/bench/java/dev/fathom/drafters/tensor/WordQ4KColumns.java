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
 * A prototype: {@link WordQ4K} super-blocks stored column by column (all rows' super-block 0, then
 * all rows' super-block 1, ...; quants first, then headers in the same order), so that a product
 * walks, for each super-block column, every row in one long loop whose addresses are linear in the
 * row and whose input vectors are loaded once, outside it. Each row's 16 float lanes accumulate in
 * a scratch array across the columns.
 */
final class WordQ4KColumns {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  /** The copy and where its headers start. */
  record Rows(MemorySegment data, long headers, int rows, int n) {}

  private WordQ4KColumns() {}

  /** The rows of {@code word} (a {@link WordQ4K} copy of {@code rows x n}) in this layout. */
  static Rows of(RepackedRows word, int rows, int n) {
    int nb = n / 256;
    long headers = 128L * nb * rows;
    MemorySegment d = Arena.ofAuto().allocate(headers + 20L * nb * rows + 64, 64);
    for (int r = 0; r < rows; r++) {
      long o = r * word.rowBytes();
      for (int b = 0; b < nb; b++) {
        MemorySegment.copy(word.data(), o + 128L * b, d, 128L * ((long) b * rows + r), 128);
        MemorySegment.copy(
            word.data(), WordQ4K.header(o, n, b), d, headers + 20L * ((long) b * rows + r), 20);
      }
    }
    return new Rows(d, headers, rows, n);
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
    for (int b = 0; b < m.n() / 256; b++) {
      column(m.data(), m.headers(), m.rows(), b, 0, m.rows(), in, acc);
    }
    for (int r = 0; r < m.rows(); r++) {
      out[r] = FloatVector.fromArray(F, acc, 16 * r).reduceLanes(VectorOperators.ADD);
    }
  }

  /** Super-block column {@code b} of rows {@code [from, to)} into their accumulators. */
  static void column(
      MemorySegment w, long headers, int rows, int b, int from, int to, WordInput in, float[] acc) {
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
    long q0 = 128L * b * rows;
    long h0 = headers + 20L * b * rows;
    for (int r = from; r < to; r++) {
      long qa = q0 + 128L * r;
      long ha = h0 + 20L * r;
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
}
