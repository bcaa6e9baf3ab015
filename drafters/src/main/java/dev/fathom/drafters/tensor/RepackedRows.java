package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A copy of a matrix's rows in a repacked layout ({@link RepackedLayout}) that all its products and
 * row lookups read: Q4_K and Q6_K on the Vector API backend, where decode spent 1.6–1.8× the CPU
 * per weight of Q4_0 on scale unpacking and range checks ({@code docs/performance.md}). On 512-bit
 * vectors they take {@link TiledQ4K} and {@link WordQ6K} (16-bit integer products), else the
 * lane-major float layouts of {@link VectorRepackedKernels}.
 *
 * <p>The copy lives off-heap in an automatic arena (freed with the matrix). After copying, the
 * mapped file pages of the original are released ({@link MemorySegment#unload}) and not read again,
 * so one copy of the weights stays resident.
 *
 * @param data the repacked rows, {@code rowBytes} each
 * @param layout their layout and kernels
 */
record RepackedRows(MemorySegment data, long rowBytes, RepackedLayout layout) {
  /** {@code -Dfathom.engine.repack=false} keeps the file's layout for every product. */
  static final String PROPERTY = "fathom.engine.repack";

  /**
   * Repacked Q4_K products run over rows in pairs half a thread's range apart ({@link
   * RepackedFarPairs}): two streams per thread, about 0.7–0.86 of the one-row loop's CPU per
   * one-thread decode step (docs/performance.md, "Q4_K_M in two streams"). {@code
   * -Dfathom.engine.k-two-streams=false} (default {@code true}) restores one row at a time; Q6_K
   * always takes one row at a time (its pairs were no faster).
   */
  static final String TWO_STREAMS_PROPERTY = "fathom.engine.k-two-streams";

  static final boolean TWO_STREAMS =
      EngineSwitch.read(TWO_STREAMS_PROPERTY, true) && VectorShapes.L == 16;

  /**
   * Q4_K and Q6_K rows take {@link WordQ4K} and {@link WordQ6K} (each product's input rounded to 8
   * bits per sub-block, products summed in 16-bit lanes) where the vectors have 512 bits; {@code
   * -Dfathom.engine.k-words=false} (default {@code true}) keeps the float layouts of {@link
   * VectorRepackedKernels}.
   */
  static final String WORDS_PROPERTY = "fathom.engine.k-words";

  /** Rows repacked per parallel task: enough work to be worth a hand-off. */
  private static final int ROWS_PER_TASK = 64;

  static boolean enabled() {
    return EngineSwitch.read(PROPERTY, true);
  }

  /** The float lane-major kernel for {@code type}, or null when it has none. */
  static VectorRepackedKernels kernel(GgmlType type) {
    return switch (type) {
      case Q4_K -> VectorRepackedKernels.Q4_K;
      case Q6_K -> VectorRepackedKernels.Q6_K;
      default -> null;
    };
  }

  /**
   * The layout {@code type}'s rows are repacked into for products on {@code threads} threads, or
   * null when it has none. Q4_K takes {@link TiledQ4K} on one thread and {@link WordQ4K} on more
   * unless {@code -Dfathom.engine.k-tiles} says otherwise: the tiles were faster on one thread and
   * slower on two in the runs measured (docs/performance.md, "Q4_K in tiles of rows").
   */
  static RepackedLayout layout(GgmlType type, int threads) {
    if (WordQ4K.supported() && EngineSwitch.read(WORDS_PROPERTY, true)) {
      if (type == GgmlType.Q4_K) {
        return EngineSwitch.read(TiledQ4K.PROPERTY, threads == 1)
            ? TiledQ4K.LAYOUT
            : WordQ4K.LAYOUT;
      }
      if (type == GgmlType.Q6_K) {
        return WordQ6K.LAYOUT;
      }
    }
    return kernel(type);
  }

  /**
   * Repacks the {@code rows x cols} matrix of {@code type} in {@code data} (its ggml layout), the
   * rows split over {@code parallel}; null when the type has no repacked layout.
   */
  static RepackedRows of(GgmlType type, MemorySegment data, int rows, int cols, Parallel parallel) {
    RepackedLayout k = layout(type, parallel.threads());
    return k == null ? null : of(k, type, data, rows, cols, parallel);
  }

  /** As {@link #of(GgmlType, MemorySegment, int, int, Parallel)}, into the layout {@code k}. */
  static RepackedRows of(
      RepackedLayout k, GgmlType type, MemorySegment data, int rows, int cols, Parallel parallel) {
    long srcRow = type.byteSize(cols);
    long rowBytes = k.rowBytes(cols);
    MemorySegment copy = WeightMemory.allocate(k.bytes(rows, cols));
    int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    parallel.forRange(
        0,
        tasks,
        (from, to) -> {
          for (int r = from * ROWS_PER_TASK; r < Math.min(rows, to * ROWS_PER_TASK); r++) {
            k.repackRow(data, r * srcRow, copy, r * rowBytes, cols);
          }
        });
    if (data.isMapped()) {
      data.unload();
    }
    return new RepackedRows(copy, rowBytes, k);
  }
}
