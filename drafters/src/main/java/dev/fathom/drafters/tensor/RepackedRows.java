package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A copy of a matrix's rows in a repacked layout ({@link KQuantRepack}) that all its products and
 * row lookups read ({@link VectorRepackedKernels}, {@link RepackedLaneOrder}): Q4_K and Q6_K on the
 * Vector API backend, where decode spent 1.6–1.8× the CPU per weight of Q4_0 on scale unpacking and
 * range checks ({@code docs/performance.md}).
 *
 * <p>The copy lives off-heap in an automatic arena (freed with the matrix). After copying, the
 * mapped file pages of the original are released ({@link MemorySegment#unload}) and not read again,
 * so one copy of the weights stays resident.
 *
 * @param data the repacked rows, {@code rowBytes} each
 * @param dot the kernel over them
 */
record RepackedRows(MemorySegment data, long rowBytes, VectorRepackedKernels dot) {
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

  /** Rows repacked per parallel task: enough work to be worth a hand-off. */
  private static final int ROWS_PER_TASK = 64;

  static boolean enabled() {
    return EngineSwitch.read(PROPERTY, true);
  }

  /** The kernel for {@code type}'s repacked layout, or null when it has none. */
  static VectorRepackedKernels kernel(GgmlType type) {
    return switch (type) {
      case Q4_K -> VectorRepackedKernels.Q4_K;
      case Q6_K -> VectorRepackedKernels.Q6_K;
      default -> null;
    };
  }

  /**
   * Repacks the {@code rows x cols} matrix of {@code type} in {@code data} (its ggml layout), the
   * rows split over {@code parallel}; null when the type has no repacked layout.
   */
  static RepackedRows of(GgmlType type, MemorySegment data, int rows, int cols, Parallel parallel) {
    VectorRepackedKernels k = kernel(type);
    if (k == null) {
      return null;
    }
    int blocks = cols / 256;
    long srcRow = type.byteSize(cols);
    long rowBytes = (long) k.bytesPerBlock() * blocks;
    MemorySegment copy = Arena.ofAuto().allocate(rowBytes * rows, 64);
    int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    parallel.forRange(
        0,
        tasks,
        (from, to) -> {
          for (int r = from * ROWS_PER_TASK; r < Math.min(rows, to * ROWS_PER_TASK); r++) {
            k.repack(data, r * srcRow, copy, r * rowBytes, blocks);
          }
        });
    if (data.isMapped()) {
      data.unload();
    }
    return new RepackedRows(copy, rowBytes, k);
  }
}
