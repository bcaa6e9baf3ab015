package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K rows laid out for products in 16-bit integer lanes ({@link WordQ4KProduct}): the input is
 * quantised once per product to 8-bit values with one scale per sub-block of 32 ({@link
 * WordInput}), and each 32-byte load of quants becomes 64 weights on two 32-lane {@code
 * ShortVector}s, multiplied and summed in shorts; floats appear once per super-block. On one thread
 * the default Q4_K layout stores these super-blocks in tiles of rows instead ({@link TiledQ4K});
 * this one is the default on more threads. Against the float kernel of {@link
 * VectorRepackedKernels#Q4_K} (one conversion and one multiply-add per 16 weights) this is about
 * half the vector instructions per weight. 512-bit vectors only.
 *
 * <p>A row of {@code n} weights ({@code nb = n / 256} super-blocks) holds first the quants of every
 * super-block ({@code 128} bytes each, so each 32-byte load is aligned when the row is), then each
 * super-block's header ({@code 20} bytes: {@code f16 d, f16 dmin, u8 sc[8], u8 m[8]}, the 6-bit
 * scales and mins unpacked as in {@link KQuantRepack}), padded to a multiple of 32 bytes: 148 bytes
 * per super-block against ggml's 144.
 *
 * <p>Order: the quants of a super-block are 8 vectors of 32 short lanes; short lane {@code l}
 * belongs to sub-block {@code (l / 2) % 8}, so that the two shorts of each int lane share a
 * sub-block and int lane {@code i} is sub-block {@code i % 8}. Position {@code p = 32 v + l} holds
 * element {@code 32 s + 8 k + v} with {@code s = (l / 2) % 8}, {@code k = l % 2 + 2 (l / 16)}.
 * Quant byte {@code j} of 32-byte chunk {@code c} holds position {@code 32 (2c) + j} in its low
 * nibble and {@code 32 (2c + 1) + j} in its high one.
 */
final class WordQ4K implements RepackedLayout {
  static final WordQ4K LAYOUT = new WordQ4K();

  static final int QUANT_BYTES = 128;
  static final int HEADER_BYTES = 20;

  /** For each position {@code p} of a super-block: the element it holds. */
  static final int[] ELEMENT = new int[256];

  static {
    for (int v = 0; v < 8; v++) {
      for (int l = 0; l < 32; l++) {
        ELEMENT[32 * v + l] = 32 * ((l / 2) % 8) + 8 * (l % 2 + 2 * (l / 16)) + v;
      }
    }
  }

  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

  /** Float lane {@code j} of a 16-lane half of a short vector is sub-block {@code j / 2}. */
  private static final VectorShuffle<Float> SCALE_OF_HALF = VectorShuffle.fromOp(F, j -> j / 2);

  private static final VectorShuffle<Float> MIN_OF_HALF = VectorShuffle.fromOp(F, j -> 8 + j / 2);

  private final TypeKernel laneOrder = new LaneOrder();

  private WordQ4K() {}

  /** Whether this layout can run here: its kernels take 512-bit vectors. */
  static boolean supported() {
    return VectorShapes.L == 16;
  }

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
    byte[] in = new byte[144];
    byte[] scales = new byte[12];
    byte[] quants = new byte[QUANT_BYTES];
    byte[] head = new byte[HEADER_BYTES];
    for (int b = 0; b < n / 256; b++) {
      MemorySegment.copy(src, ValueLayout.JAVA_BYTE, so + 144L * b, in, 0, 144);
      packBlock(in, scales, quants, head);
      MemorySegment.copy(quants, 0, dst, ValueLayout.JAVA_BYTE, dp + 128L * b, QUANT_BYTES);
      MemorySegment.copy(head, 0, dst, ValueLayout.JAVA_BYTE, header(dp, n, b), HEADER_BYTES);
    }
  }

  /**
   * One ggml Q4_K super-block ({@code in}, 144 bytes) in this layout: its 128 quant bytes in
   * position order and its 20-byte header; {@code scales} is 12 bytes of scratch (allocated once
   * per row by the callers: a billion-weight model has millions of super-blocks).
   */
  static void packBlock(byte[] in, byte[] scales, byte[] quants, byte[] head) {
    System.arraycopy(in, 0, head, 0, 4);
    System.arraycopy(in, 4, scales, 0, 12);
    for (int s = 0; s < 8; s++) {
      int sm = KQuants.scaleMin(scales, s);
      head[4 + s] = (byte) (sm & 0xFF);
      head[12 + s] = (byte) (sm >>> 8);
    }
    for (int c = 0; c < 4; c++) {
      for (int j = 0; j < 32; j++) {
        int lo = nibble(in, ELEMENT[64 * c + j]);
        int hi = nibble(in, ELEMENT[64 * c + 32 + j]);
        quants[32 * c + j] = (byte) (lo | hi << 4);
      }
    }
  }

  /** Element {@code e}'s 4-bit quant in ggml's Q4_K block {@code in} (qs from byte 16). */
  private static int nibble(byte[] in, int e) {
    int shift = (e % 64) < 32 ? 0 : 4;
    return ((in[16 + 32 * (e / 64) + e % 32] & 0xFF) >>> shift) & 0x0F;
  }

  /** The quant at position {@code p} of super-block {@code b} of the row at {@code o}. */
  static int quant(MemorySegment w, long o, int b, int p) {
    return quantAt(w, o + 128L * b, p);
  }

  /** The quant at position {@code p} of the super-block whose quants start at {@code q}. */
  static int quantAt(MemorySegment w, long q, int p) {
    int v = p / 32;
    int u = LittleEndian.u8(w, q + 32L * (v / 2) + p % 32);
    return v % 2 == 0 ? u & 0x0F : u >>> 4;
  }

  /**
   * Writes the row's weights in natural order, one element at a time in {@link
   * ScalarKQuantKernels}' arithmetic ({@code (d · sc) · q − dmin · m}), so bit for bit its values.
   */
  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    for (int b = 0; b < n / 256; b++) {
      dequantizeBlock(w, o + 128L * b, header(o, n, b), dst, dstOff + 256 * b);
    }
  }

  /**
   * The super-block with quants at {@code q} and header at {@code h}, in natural order, to {@code
   * dst[at .. at + 256)}: {@link #dequantize}'s arithmetic.
   */
  static void dequantizeBlock(MemorySegment w, long q, long h, float[] dst, int at) {
    float d = f16(w, h);
    float dmin = f16(w, h + 2);
    for (int p = 0; p < 256; p++) {
      int s = (p % 32 / 2) % 8;
      float ds = d * LittleEndian.u8(w, h + 4 + s);
      float ms = dmin * LittleEndian.u8(w, h + 12 + s);
      dst[at + ELEMENT[p]] = ds * quantAt(w, q, p) - ms;
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
        WordQ4KProduct::pairs,
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
   * The rows in position order, vector by vector: what a batched product over inputs permuted by
   * {@link #permute} reads. Values are {@code q · (d·sc) − dmin·m} as one fused multiply-add, so
   * they may differ from {@link #dequantize} in the last bit.
   */
  private static final class LaneOrder implements LaneOrderKernel {
    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      for (int b = 0; b < n / 256; b++) {
        laneOrderBlock(w, o + 128L * b, header(o, n, b), dst, dstOff + 256 * b);
      }
    }
  }

  /**
   * The super-block with quants at {@code q} and header at {@code h}, in position order, to {@code
   * dst[at .. at + 256)}: the lane-order kernel's arithmetic ({@code q · (d·sc) − dmin·m}, one
   * fused multiply-add).
   */
  static void laneOrderBlock(MemorySegment w, long q, long h, float[] dst, int at) {
    FloatVector sm =
        (FloatVector)
            ByteVector.fromMemorySegment(B128, w, h + 4, VectorShapes.LE)
                .convertShape(VectorOperators.B2F, F, 0);
    FloatVector scales = sm.rearrange(SCALE_OF_HALF).mul(f16(w, h));
    FloatVector mins = sm.rearrange(MIN_OF_HALF).mul(-f16(w, h + 2));
    for (int c = 0; c < 4; c++) {
      for (int half = 0; half < 2; half++) {
        IntVector v =
            (IntVector)
                ByteVector.fromMemorySegment(B128, w, q + 32L * c + 16L * half, VectorShapes.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, VectorShapes.I, 0);
        int p = at + 64 * c + 16 * half;
        VectorShapes.floats(v.and(0x0F)).fma(scales, mins).intoArray(dst, p);
        VectorShapes.floats(v.lanewise(VectorOperators.LSHR, 4))
            .fma(scales, mins)
            .intoArray(dst, p + 32);
      }
    }
  }
}
