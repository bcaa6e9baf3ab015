package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.SHORT;
import static dev.fathom.drafters.tensor.TiledQ4K.ENTRY;
import static dev.fathom.drafters.tensor.TiledQ4K.TILE;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix–vector products over {@link TiledQ4K} rows. The input is prepared once per product as for
 * {@link WordQ4K} ({@link WordInput}). Each thread takes a range of tiles and walks tiles {@code t}
 * and {@code t + h} (half its range apart: two streams) together, super-block column by column; a
 * column is one loop over the tiles' {@link TiledQ4K#TILE} rows, with the column's 256 input values
 * (8 short vectors), scales and sums loaded before it. Per row and super-block: four 32-byte loads
 * widened to shorts, nibble masks and shifts, 16-bit multiplies and adds, then into floats and one
 * multiply-add each with the lane-wise scales and mins, into the row's 16 float lanes, which stay
 * in an array of the thread's rows (64 bytes a row, reused from product to product) until the last
 * column; then each row's lanes are summed once.
 *
 * <p>Every address in a column's loop is linear in the row, and the column's input is loaded once
 * for 32 rows instead of once per row pair. C2 still keeps some range checks and spills in the
 * two-tile loop (docs/performance.md, "Q4_K in tiles of rows"); the loop costs about 0.93–0.96 of
 * {@link WordQ4KProduct}'s. An accumulator array per product, indexed by the row in the thread's
 * range, measured faster than one 4 KB scratch reused for every tile pair. As in {@link
 * WordQ4KProduct}, the loop bodies hold only Vector API and memory-access calls (helpers are left
 * as calls past C2's inlining budget, and a vector returned by a call is boxed), and the segment's
 * class is tested once so that C2 knows it exactly.
 */
final class TiledQ4KProduct {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  /** Each thread's accumulators, grown as needed. */
  private static final ThreadLocal<float[]> ACCUMULATORS =
      ThreadLocal.withInitial(() -> new float[0]);

  private TiledQ4KProduct() {}

  /** Every row's product with {@code x}: on the caller when {@code serial}, else shared out. */
  static void matvec(
      MemorySegment w,
      int rows,
      int n,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      Parallel parallel,
      boolean serial) {
    // the same input as WordQ4K's: the super-blocks and their position order are the same
    WordInput in = WordInput.prepared(WordQ4K.LAYOUT, x, xOff, n);
    int tiles = (rows + TILE - 1) / TILE;
    RepackedLayout.eachRows(
        tiles, parallel, serial, (from, to) -> tiles(w, from, to, rows, n, in, out, outOff));
  }

  /** Tiles {@code [from, to)} times the prepared input {@code in}. */
  static void tiles(
      MemorySegment w, int from, int to, int rows, int n, WordInput in, float[] out, int outOff) {
    long rowBytes = TiledQ4K.LAYOUT.rowBytes(n);
    if (w.getClass() != RepackedLayout.NATIVE) {
      for (int r = from * TILE; r < Math.min(to * TILE, rows); r++) {
        out[outOff + r] = in.referenceDot(TiledQ4K.LAYOUT, w, r * rowBytes, n);
      }
      return;
    }
    float[] acc = ACCUMULATORS.get();
    if (acc.length < 16 * (to - from) * TILE) {
      acc = new float[16 * (to - from) * TILE];
      ACCUMULATORS.set(acc);
    }
    Arrays.fill(acc, 0, 16 * (to - from) * TILE, 0f);
    // a last tile padded with zero rows goes alone, so every pair is two full tiles
    int full = Math.min(to, rows / TILE);
    int h = Math.max(0, full - from) / 2;
    long tileBytes = TILE * rowBytes;
    int nb = n / 256;
    for (int t = from; t < from + h; t++) {
      for (int b = 0; b < nb; b++) {
        long column = (long) TILE * ENTRY * b;
        columnPair(
            w,
            t * tileBytes + column,
            (t + h) * tileBytes + column,
            (t - from) * TILE,
            (t + h - from) * TILE,
            TILE,
            b,
            in,
            acc);
      }
      for (int j = 0; j < TILE; j++) {
        out[outOff + t * TILE + j] = sum(acc, (t - from) * TILE + j);
        out[outOff + (t + h) * TILE + j] = sum(acc, (t + h - from) * TILE + j);
      }
    }
    for (int t = from + 2 * h; t < to; t++) {
      int count = Math.min(TILE, rows - t * TILE);
      Arrays.fill(acc, 0, 16 * TILE, 0f);
      for (int b = 0; b < nb; b++) {
        column(w, t * tileBytes + (long) TILE * ENTRY * b, count, b, in, acc);
      }
      for (int j = 0; j < count; j++) {
        out[outOff + t * TILE + j] = sum(acc, j);
      }
    }
  }

  private static float sum(float[] acc, int row) {
    return FloatVector.fromArray(F, acc, 16 * row).reduceLanes(VectorOperators.ADD);
  }

  /**
   * Super-block column {@code b} of two tiles, their entries from {@code qa0} and {@code qb0}: rows
   * {@code j < count} of both, into {@code acc[16 j ..]} and {@code acc[16 (TILE + j) ..]}. The
   * count is a parameter, not the constant {@link TiledQ4K#TILE}: with a constant bound C2 may
   * unroll the loop whole.
   */
  static void columnPair(
      MemorySegment w,
      long qa0,
      long qb0,
      int rowA,
      int rowB,
      int count,
      int b,
      WordInput in,
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
    for (int r = rowA; r < rowA + count; r++) {
      int j = r - rowA;
      int r1 = rowB + j;
      long qa = qa0 + 148L * j;
      long ha = qa + 128;
      ShortVector a0 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector a1 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 32, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector a2 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 64, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector a3 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 96, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      IntVector ia =
          a0.and((short) 0x0F)
              .mul(x0)
              .add(a1.and((short) 0x0F).mul(x2))
              .add(a2.and((short) 0x0F).mul(x4))
              .add(a3.and((short) 0x0F).mul(x6))
              .add(
                  a0.lanewise(VectorOperators.LSHR, 4)
                      .mul(x1)
                      .add(a1.lanewise(VectorOperators.LSHR, 4).mul(x3))
                      .add(a2.lanewise(VectorOperators.LSHR, 4).mul(x5))
                      .add(a3.lanewise(VectorOperators.LSHR, 4).mul(x7)))
              .reinterpretAsInts();
      FloatVector fa =
          (FloatVector)
              ia.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ia.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector sa =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, ha + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector va = FloatVector.fromArray(F, acc, 16 * r);
      va = fa.fma(sa.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha))).mul(sx), va);
      va =
          negSums.fma(sa.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha + 2))), va);
      va.intoArray(acc, 16 * r);
      long qb = qb0 + 148L * j;
      long hb = qb + 128;
      ShortVector b0 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector b1 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb + 32, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector b2 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb + 64, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector b3 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qb + 96, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      IntVector ib =
          b0.and((short) 0x0F)
              .mul(x0)
              .add(b1.and((short) 0x0F).mul(x2))
              .add(b2.and((short) 0x0F).mul(x4))
              .add(b3.and((short) 0x0F).mul(x6))
              .add(
                  b0.lanewise(VectorOperators.LSHR, 4)
                      .mul(x1)
                      .add(b1.lanewise(VectorOperators.LSHR, 4).mul(x3))
                      .add(b2.lanewise(VectorOperators.LSHR, 4).mul(x5))
                      .add(b3.lanewise(VectorOperators.LSHR, 4).mul(x7)))
              .reinterpretAsInts();
      FloatVector fb =
          (FloatVector)
              ib.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ib.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector sb =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, hb + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector vb = FloatVector.fromArray(F, acc, 16 * r1);
      vb = fb.fma(sb.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb))).mul(sx), vb);
      vb =
          negSums.fma(sb.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, hb + 2))), vb);
      vb.intoArray(acc, 16 * r1);
    }
  }

  /** Super-block column {@code b} of the first {@code count} rows of one tile, from {@code qa0}. */
  static void column(MemorySegment w, long qa0, int count, int b, WordInput in, float[] acc) {
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
    for (int j = 0; j < count; j++) {
      long qa = qa0 + 148L * j;
      long ha = qa + 128;
      ShortVector a0 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector a1 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 32, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector a2 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 64, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      ShortVector a3 =
          (ShortVector)
              ByteVector.fromMemorySegment(B256, w, qa + 96, LE)
                  .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
      IntVector ia =
          a0.and((short) 0x0F)
              .mul(x0)
              .add(a1.and((short) 0x0F).mul(x2))
              .add(a2.and((short) 0x0F).mul(x4))
              .add(a3.and((short) 0x0F).mul(x6))
              .add(
                  a0.lanewise(VectorOperators.LSHR, 4)
                      .mul(x1)
                      .add(a1.lanewise(VectorOperators.LSHR, 4).mul(x3))
                      .add(a2.lanewise(VectorOperators.LSHR, 4).mul(x5))
                      .add(a3.lanewise(VectorOperators.LSHR, 4).mul(x7)))
              .reinterpretAsInts();
      FloatVector fa =
          (FloatVector)
              ia.lanewise(VectorOperators.LSHL, 16)
                  .lanewise(VectorOperators.ASHR, 16)
                  .add(ia.lanewise(VectorOperators.ASHR, 16))
                  .convert(VectorOperators.I2F, 0);
      FloatVector sa =
          (FloatVector)
              ByteVector.fromMemorySegment(B128, w, ha + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector va = FloatVector.fromArray(F, acc, 16 * j);
      va = fa.fma(sa.rearrange(LOW_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha))).mul(sx), va);
      va =
          negSums.fma(sa.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(w.get(SHORT, ha + 2))), va);
      va.intoArray(acc, 16 * j);
    }
  }
}
