package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_K rows for products in 16-bit integer lanes, stored in tiles of {@link #TILE} rows: the
 * default Q4_K layout on 512-bit vectors when products run on one thread ({@link
 * RepackedRows#layout(dev.fathom.drafters.gguf.GgmlType, int)}). A super-block is {@link WordQ4K}'s
 * (its 128 quant bytes in position order, then its 20-byte header; the same prepared input, {@link
 * WordInput}); only where it lies differs. Within a tile the super-blocks go column by column: the
 * tile's rows' super-block 0, one row's entry (quants, then header: 148 bytes) after the other,
 * then their super-block 1, and so on. A product ({@link TiledQ4KProduct}) takes a column of two
 * tiles in one loop over their rows, with the column's input loaded once before it, and reads the
 * memory in order.
 *
 * <p>Why: {@link WordQ4K}'s loop (rows {@code r} and {@code r + h} over all their super-blocks) is
 * bound by instructions, as fast in L3 as streamed, and most of them are scalar: a range check per
 * load, the segment's length reloaded, spilled counters. Walking a tile's column shares the input's
 * loads among 32 rows and makes every address linear in the row. Alternating with {@link WordQ4K}
 * in one JVM, on a nearly quiet machine, it took 0.956 of the CPU per pass streamed (faster in 80
 * of 88 rounds) and 0.928 in L3 (23 of 24) (docs/performance.md, "Q4_K in tiles of rows"). {@code
 * -Dfathom.engine.k-tiles=false} keeps {@link WordQ4K}; on two threads the tiles decoded slower in
 * the runs measured, so there {@link WordQ4K} is the default.
 *
 * <p>Rows are addressed, for {@link #dequantize} and the lane-order kernel, by the <em>virtual</em>
 * offset {@code r · rowBytes} ({@code rowBytes = 148 · n / 256}), as {@link InterleavedRows}' rows
 * are; {@link #entry} maps it. A matrix whose row count is not a multiple of {@link #TILE} has its
 * last tile padded with zero rows ({@link #bytes}).
 */
final class TiledQ4K implements RepackedLayout {
  static final TiledQ4K LAYOUT = new TiledQ4K();

  /**
   * {@code -Dfathom.engine.k-tiles=true|false} takes this layout, or {@link WordQ4K}, whatever the
   * thread count; unset, one thread takes this one and more take {@link WordQ4K}.
   */
  static final String PROPERTY = "fathom.engine.k-tiles";

  /** Rows per tile (32 and 64 were measured; see docs/performance.md). */
  static final int TILE = 32;

  /** Bytes of one row's super-block: its quants, then its header. */
  static final int ENTRY = WordQ4K.QUANT_BYTES + WordQ4K.HEADER_BYTES;

  private final TypeKernel laneOrder = new LaneOrder();

  private TiledQ4K() {}

  @Override
  public long rowBytes(int n) {
    return (long) ENTRY * (n / 256);
  }

  @Override
  public long bytes(int rows, int n) {
    return ((long) rows + TILE - 1) / TILE * TILE * rowBytes(n);
  }

  /** Where super-block {@code b} of the row at virtual offset {@code o} starts (its quants). */
  static long entry(long o, int n, int b) {
    long rowBytes = (long) ENTRY * (n / 256);
    long r = o / rowBytes;
    return r / TILE * TILE * rowBytes + (long) TILE * ENTRY * b + r % TILE * ENTRY;
  }

  @Override
  public void repackRow(MemorySegment src, long so, MemorySegment dst, long dp, int n) {
    byte[] in = new byte[144];
    byte[] scales = new byte[12];
    byte[] quants = new byte[WordQ4K.QUANT_BYTES];
    byte[] head = new byte[WordQ4K.HEADER_BYTES];
    for (int b = 0; b < n / 256; b++) {
      MemorySegment.copy(src, ValueLayout.JAVA_BYTE, so + 144L * b, in, 0, 144);
      WordQ4K.packBlock(in, scales, quants, head);
      long e = entry(dp, n, b);
      MemorySegment.copy(quants, 0, dst, ValueLayout.JAVA_BYTE, e, quants.length);
      MemorySegment.copy(head, 0, dst, ValueLayout.JAVA_BYTE, e + quants.length, head.length);
    }
  }

  /** The row in natural order, bit for bit {@link WordQ4K#dequantize}'s values. */
  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    for (int b = 0; b < n / 256; b++) {
      long e = entry(o, n, b);
      WordQ4K.dequantizeBlock(w, e, e + WordQ4K.QUANT_BYTES, dst, dstOff + 256 * b);
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
    TiledQ4KProduct.matvec(w, rows, n, x, xOff, out, outOff, parallel, serial);
  }

  /** The rows in position order, as {@link WordQ4K}'s lane-order kernel gives them. */
  private static final class LaneOrder implements LaneOrderKernel {
    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      for (int b = 0; b < n / 256; b++) {
        long e = entry(o, n, b);
        WordQ4K.laneOrderBlock(w, e, e + WordQ4K.QUANT_BYTES, dst, dstOff + 256 * b);
      }
    }
  }
}
