package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Not adopted: measured slower than Q4_0's interleaved cells ({@link InterleavedRows}) in one JVM,
 * alternating ({@code WordQ4KSpeed -Dtype=Q4_0}, docs/performance.md, "Products in 16-bit lanes"),
 * so it lives in the bench sources with its harness. Tested then like {@link WordQ4K} (stored
 * weights bit for bit, products against the arithmetic in doubles; commit aa26b03's {@code
 * WordLayoutsTest}).
 *
 * <p>Q4_0 rows (whose length is a multiple of 256) laid out for products in 16-bit integer lanes, as
 * {@link WordQ4K}: eight ggml blocks of 32 make a super-block whose quants take {@link WordQ4K}'s
 * order (block {@code s} in place of sub-block {@code s}), and the product is {@link
 * WordQ4KProduct}'s with {@code d_s} for the scales and {@code 8 d_s} for the mins. A row holds
 * first the quants ({@code 128} bytes per super-block), then per super-block the eight block scales
 * as floats ({@code 32} bytes, converted once at load): 160 bytes per 256 weights against ggml's
 * 144. 512-bit vectors only.
 */
final class WordQ40 implements RepackedLayout {
  static final WordQ40 LAYOUT = new WordQ40();

  private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
  private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);

  private final TypeKernel laneOrder = new LaneOrder();

  private WordQ40() {}

  /** Whether a Q4_0 matrix of {@code cols} columns can take this layout here. */
  static boolean fits(int cols) {
    return WordQ4K.supported() && cols % 256 == 0;
  }

  @Override
  public long rowBytes(int n) {
    return 160L * (n / 256);
  }

  /** The scales of a super-block are read as 16 floats: 8 more after the last row's. */
  @Override
  public long tailBytes() {
    return 32;
  }

  static long header(long o, int n, int b) {
    return o + 128L * (n / 256) + 32L * b;
  }

  @Override
  public void repackRow(MemorySegment src, long so, MemorySegment dst, long dp, int n) {
    byte[] in = new byte[18 * 8];
    byte[] quants = new byte[128];
    for (int b = 0; b < n / 256; b++) {
      MemorySegment.copy(src, ValueLayout.JAVA_BYTE, so + 144L * b, in, 0, 144);
      for (int c = 0; c < 4; c++) {
        for (int j = 0; j < 32; j++) {
          int lo = nibble(in, WordQ4K.ELEMENT[64 * c + j]);
          int hi = nibble(in, WordQ4K.ELEMENT[64 * c + 32 + j]);
          quants[32 * c + j] = (byte) (lo | hi << 4);
        }
      }
      MemorySegment.copy(quants, 0, dst, ValueLayout.JAVA_BYTE, dp + 128L * b, 128);
      for (int s = 0; s < 8; s++) {
        float d = Float.float16ToFloat((short) ((in[18 * s] & 0xFF) | in[18 * s + 1] << 8));
        dst.set(LittleEndian.FLOAT, header(dp, n, b) + 4L * s, d);
      }
    }
  }

  /** Element {@code e}'s quant in ggml's eight blocks {@code in}: block {@code e / 32}. */
  private static int nibble(byte[] in, int e) {
    int j = e % 32;
    int q = in[18 * (e / 32) + 2 + j % 16] & 0xFF;
    return j < 16 ? q & 0x0F : q >>> 4;
  }

  /** The row in natural order, in {@link ScalarBlockKernels}' arithmetic: bit for bit. */
  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    for (int b = 0; b < n / 256; b++) {
      long h = header(o, n, b);
      for (int p = 0; p < 256; p++) {
        float d = w.get(LittleEndian.FLOAT, h + 4L * ((p % 32 / 2) % 8));
        dst[dstOff + 256 * b + WordQ4K.ELEMENT[p]] = (WordQ4K.quant(w, o, b, p) - 8) * d;
      }
    }
  }

  @Override
  public void permute(float[] x, int xOff, float[] dst, int dstOff, int n) {
    WordQ4K.LAYOUT.permute(x, xOff, dst, dstOff, n);
  }

  @Override
  public TypeKernel laneOrder() {
    return laneOrder;
  }

  @Override
  public void matvec(
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
    // the same positions and sub-blocks as Q4_K: the same prepared input
    WordInput in = WordInput.prepared(WordQ4K.LAYOUT, x, xOff, n);
    RepackedLayout.eachRows(
        rows, parallel, serial, (from, to) -> rows(w, rowBytes, from, to, n, in, out, outOff));
  }

  /**
   * Rows {@code [from, to)} times the prepared input into {@code out[outOff + r]}: rows {@code r}
   * and {@code r + h} together ({@code h} half the range), an odd last row paired with itself; a
   * segment that is not an {@code Arena} copy takes {@link WordInput#referenceDot}.
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
    if (w.getClass() != RepackedLayout.NATIVE) {
      for (int r = from; r < to; r++) {
        out[outOff + r] = in.referenceDot(LAYOUT, w, r * rowBytes, n);
      }
      return;
    }
    int h = (to - from) / 2;
    if (h > 0) {
      pairs(w, rowBytes, from, h, h, n, in.q, in.scales, in.sums, out, outOff);
    }
    if ((to - from) % 2 == 1) {
      pairs(w, rowBytes, to - 1, 0, 1, n, in.q, in.scales, in.sums, out, outOff);
    }
  }

  /**
   * Rows {@code from .. from + count - 1} each with the row {@code h} after it ({@code h = 0}: the
   * row with itself), in one loop over all their super-blocks ({@code w} an {@code Arena} segment):
   * {@link WordQ4KProduct}'s loop, with the eight block scales as the lane-wise scales and eight
   * times them as the mins.
   */
  private static void pairs(
      MemorySegment w,
      long rowBytes,
      int from,
      int h,
      int count,
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
    long nextQuants = rowBytes - quants;
    long nextHeaders = rowBytes - 32L * nb;
    FloatVector accA = FloatVector.zero(F);
    FloatVector accB = accA;
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
      FloatVector sx = FloatVector.fromArray(F, xs, 16 * b);
      FloatVector s8 = FloatVector.fromArray(F, sums, 16 * b).mul(8f);
      FloatVector da = FloatVector.fromMemorySegment(F, w, ha, LE).rearrange(LOW_TWICE);
      FloatVector db = FloatVector.fromMemorySegment(F, w, hb, LE).rearrange(LOW_TWICE);
      accA = fa.mul(sx).sub(s8).fma(da, accA);
      accB = fb.mul(sx).sub(s8).fma(db, accB);
      qa += 128;
      qb += 128;
      ha += 32;
      hb += 32;
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

  /** The rows in position order, for a batched product over inputs permuted by {@link #permute}. */
  private static final class LaneOrder implements LaneOrderKernel {
    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      for (int b = 0; b < n / 256; b++) {
        // float lane j of either half of a vector is short lane j or 16 + j: block j / 2
        FloatVector d = FloatVector.fromMemorySegment(F, w, header(o, n, b), LE).rearrange(HALF);
        for (int c = 0; c < 4; c++) {
          for (int half = 0; half < 2; half++) {
            IntVector q = VectorShapes.uints(w, o + 128L * b + 32L * c + 16L * half);
            int at = dstOff + 256 * b + 64 * c + 16 * half;
            VectorShapes.floats(q.and(0x0F).sub(8)).mul(d).intoArray(dst, at);
            VectorShapes.floats(q.lanewise(VectorOperators.LSHR, 4).sub(8))
                .mul(d)
                .intoArray(dst, at + 32);
          }
        }
      }
    }
  }

  private static final VectorShuffle<Float> HALF = VectorShuffle.fromOp(F, j -> j / 2);
}
