package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q6_K rows laid out for products in 16-bit integer lanes ({@link WordQ6KProduct}), as {@link
 * WordQ4K} is for Q4_K: the input rounded to 8 bits per 256 values, each super-block's 256 weights
 * on 8 vectors of 32 short lanes, {@code (q − 32) · x} multiplied and summed in shorts (8 products
 * of at most {@code 32 · 127} per lane: no overflow), then one float multiply-add per super-block
 * with the 16 sub-block scales, which act lane-wise. 512-bit vectors only.
 *
 * <p>A row of {@code nb} super-blocks holds first their quants ({@code 192} bytes each), then their
 * headers ({@code 18} bytes: {@code f16 d, i8 sc[16]}), padded to a multiple of 32 bytes: 210 bytes
 * per super-block, as ggml's.
 *
 * <p>Order: short lane {@code l} belongs to sub-block {@code l / 2}, so int lane {@code i} is
 * sub-block {@code i} and the 16 scales load as one vector. Position {@code p = 32 v + l} holds
 * element {@code 16 (l / 2) + 8 (l % 2) + v}. The six-bit quants of vectors {@code 4u .. 4u + 3}
 * fill three 32-byte chunks {@code A, B, C} (at {@code 96 u}): their low six bits are vectors
 * {@code 4u, 4u + 1, 4u + 2}, and their top two bits carry bits 0–1, 2–3 and 4–5 of vector {@code
 * 4u + 3}, as in {@link KQuantRepack}'s Q6_K.
 */
final class WordQ6K implements RepackedLayout {
  static final WordQ6K LAYOUT = new WordQ6K();

  static final int QUANT_BYTES = 192;
  static final int HEADER_BYTES = 18;

  /** For each position {@code p} of a super-block: the element it holds. */
  static final int[] ELEMENT = new int[256];

  static {
    for (int v = 0; v < 8; v++) {
      for (int l = 0; l < 32; l++) {
        ELEMENT[32 * v + l] = 16 * (l / 2) + 8 * (l % 2) + v;
      }
    }
  }

  private static final VectorShuffle<Float> LOW_HALF = VectorShuffle.fromOp(F, j -> j / 2);
  private static final VectorShuffle<Float> HIGH_HALF = VectorShuffle.fromOp(F, j -> 8 + j / 2);

  private final TypeKernel laneOrder = new LaneOrder();

  private WordQ6K() {}

  @Override
  public long rowBytes(int n) {
    return ((long) (QUANT_BYTES + HEADER_BYTES) * (n / 256) + 31) / 32 * 32;
  }

  /** Where the header of super-block {@code b} of the row at {@code o} starts. */
  static long header(long o, int n, int b) {
    return o + (long) QUANT_BYTES * (n / 256) + (long) HEADER_BYTES * b;
  }

  @Override
  public void repackRow(MemorySegment src, long so, MemorySegment dst, long dp, int n) {
    byte[] in = new byte[210];
    int[] q = new int[256];
    byte[] quants = new byte[QUANT_BYTES];
    byte[] head = new byte[HEADER_BYTES];
    for (int b = 0; b < n / 256; b++) {
      MemorySegment.copy(src, ValueLayout.JAVA_BYTE, so + 210L * b, in, 0, 210);
      head[0] = in[208];
      head[1] = in[209];
      System.arraycopy(in, 192, head, 2, 16);
      for (int p = 0; p < 256; p++) {
        q[p] = sixBits(in, ELEMENT[p]);
      }
      for (int u = 0; u < 2; u++) {
        for (int j = 0; j < 32; j++) {
          int q3 = q[32 * (4 * u + 3) + j];
          quants[96 * u + j] = (byte) (q[32 * (4 * u) + j] | (q3 & 3) << 6);
          quants[96 * u + 32 + j] = (byte) (q[32 * (4 * u + 1) + j] | ((q3 >> 2) & 3) << 6);
          quants[96 * u + 64 + j] = (byte) (q[32 * (4 * u + 2) + j] | ((q3 >> 4) & 3) << 6);
        }
      }
      MemorySegment.copy(quants, 0, dst, ValueLayout.JAVA_BYTE, dp + 192L * b, QUANT_BYTES);
      MemorySegment.copy(head, 0, dst, ValueLayout.JAVA_BYTE, header(dp, n, b), HEADER_BYTES);
    }
  }

  /**
   * Element {@code e}'s six-bit quant (0..63, before the −32) in ggml's Q6_K block {@code in}: in
   * half {@code e / 128}, element {@code 32k + l} takes nibble {@code k / 2} of {@code ql[l + 32 (k
   * % 2)]} and bits {@code 2k, 2k + 1} of {@code qh[l]}.
   */
  private static int sixBits(byte[] in, int e) {
    int half = e / 128;
    int k = (e % 128) / 32;
    int l = e % 32;
    int low = ((in[64 * half + l + 32 * (k % 2)] & 0xFF) >>> (4 * (k / 2))) & 0x0F;
    int high = ((in[128 + 32 * half + l] & 0xFF) >>> (2 * k)) & 3;
    return low | high << 4;
  }

  /** The six-bit quant at position {@code p} of super-block {@code b} of the row at {@code o}. */
  static int quant(MemorySegment w, long o, int b, int p) {
    int v = p / 32;
    int j = p % 32;
    long chunk = o + 192L * b + 96L * (v / 4);
    if (v % 4 < 3) {
      return LittleEndian.u8(w, chunk + 32L * (v % 4) + j) & 63;
    }
    return (LittleEndian.u8(w, chunk + j) >>> 6)
        | (LittleEndian.u8(w, chunk + 32 + j) >>> 6) << 2
        | (LittleEndian.u8(w, chunk + 64 + j) >>> 6) << 4;
  }

  /** The row in natural order, in {@link ScalarKQuantKernels}' arithmetic: bit for bit. */
  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    for (int b = 0; b < n / 256; b++) {
      long h = header(o, n, b);
      float d = f16(w, h);
      for (int p = 0; p < 256; p++) {
        int s = p % 32 / 2;
        dst[dstOff + 256 * b + ELEMENT[p]] =
            d * LittleEndian.i8(w, h + 2 + s) * (quant(w, o, b, p) - 32);
      }
    }
  }

  @Override
  public void permute(float[] x, int xOff, float[] dst, int dstOff, int n) {
    RepackedLayout.permute(ELEMENT, x, xOff, dst, dstOff, n);
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
    WordRows.matvec(
        LAYOUT,
        WordQ6KProduct::pairs,
        w,
        rowBytes,
        rows,
        n,
        x,
        xOff,
        out,
        outOff,
        parallel,
        serial);
  }

  /**
   * The rows in position order, vector by vector, for a batched product over inputs permuted by
   * {@link #permute}: {@code (d · sc) · (q − 32)}, {@link #dequantize}'s arithmetic.
   */
  private static final class LaneOrder implements LaneOrderKernel {
    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      for (int b = 0; b < n / 256; b++) {
        long h = header(o, n, b);
        FloatVector sc = VectorShapes.bytes(w, h + 2).mul(f16(w, h));
        // float lane j of a vector's low half is short lane j (sub-block j / 2); of its high
        // half, short lane 16 + j (sub-block 8 + j / 2)
        for (int half = 0; half < 2; half++) {
          FloatVector scales = sc.rearrange(half == 0 ? LOW_HALF : HIGH_HALF);
          for (int u = 0; u < 2; u++) {
            long a = o + 192L * b + 96L * u + 16L * half;
            IntVector qa = VectorShapes.uints(w, a);
            IntVector qb = VectorShapes.uints(w, a + 32);
            IntVector qc = VectorShapes.uints(w, a + 64);
            IntVector q3 =
                qa.lanewise(VectorOperators.LSHR, 6)
                    .or(qb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
                    .or(qc.lanewise(VectorOperators.LSHR, 2).and(0x30));
            int at = dstOff + 256 * b + 128 * u + 16 * half;
            VectorShapes.floats(qa.and(63).sub(32)).mul(scales).intoArray(dst, at);
            VectorShapes.floats(qb.and(63).sub(32)).mul(scales).intoArray(dst, at + 32);
            VectorShapes.floats(qc.and(63).sub(32)).mul(scales).intoArray(dst, at + 64);
            VectorShapes.floats(q3.sub(32)).mul(scales).intoArray(dst, at + 96);
          }
        }
      }
    }
  }
}
