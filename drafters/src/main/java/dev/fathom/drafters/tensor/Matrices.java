package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import org.slf4j.LoggerFactory;

/** Creates {@link Matrix} views over weight bytes, with the kernels of a named backend. */
public final class Matrices {
  private Matrices() {}

  /**
   * A {@code rows x cols} matrix of {@code type} stored row-major in {@code data}, whose products
   * run on {@code parallel} with the kernels of {@code backend}.
   *
   * @throws UnsupportedOperationException when {@code type} has no kernels
   * @throws IllegalArgumentException when the shape does not match {@code data}
   */
  public static Matrix of(
      GgmlType type,
      MemorySegment data,
      int rows,
      int cols,
      Parallel parallel,
      KernelBackend backend) {
    return of(type, data, rows, cols, parallel, backend, Int8Dot.enabled());
  }

  /**
   * As {@link #of(GgmlType, MemorySegment, int, int, Parallel, KernelBackend)}, with single-vector
   * products of Q8_0 taken on an 8-bit quantised activation ({@link Int8Dot}) when {@code int8} is
   * true; the default comes from {@code -Dfathom.engine.int8-dot}.
   */
  public static Matrix of(
      GgmlType type,
      MemorySegment data,
      int rows,
      int cols,
      Parallel parallel,
      KernelBackend backend,
      boolean int8) {
    checkStaticSwitches();
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(
          type + " matrix " + rows + "x" + cols + ": rows and cols must be >= 1");
    }
    if (cols % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          type
              + " matrix "
              + rows
              + "x"
              + cols
              + ": cols must be a multiple of the block size "
              + type.blockSize());
    }
    TypeKernel kernel = Kernels.of(type, backend);
    long rowBytes = type.byteSize(cols);
    long expected = rowBytes * rows;
    if (data.byteSize() != expected) {
      throw new IllegalArgumentException(
          type
              + " matrix "
              + rows
              + "x"
              + cols
              + " needs "
              + expected
              + " bytes; data has "
              + data.byteSize());
    }
    InterleavedRows cells = null;
    if (backend == KernelBackend.VECTOR && !int8 && InterleavedRows.enabled()) {
      try {
        cells = InterleavedRows.of(type, data, rows, cols, parallel);
      } catch (OutOfMemoryError e) {
        LoggerFactory.getLogger(Matrices.class)
            .warn("{} matrix {}x{} not interleaved ({})", type, rows, cols, e.getMessage());
      }
    }
    if (cells != null) {
      // The copy replaces the file's bytes for every product and row lookup.
      return new KernelMatrix(
          type,
          cells.data(),
          rows,
          cols,
          cells.rowBytes(),
          cells,
          BatchProduct.of(backend),
          parallel,
          null,
          null);
    }
    RepackedRows repacked = null;
    if (backend == KernelBackend.VECTOR && RepackedRows.enabled()) {
      try {
        repacked = RepackedRows.of(type, data, rows, cols, parallel);
      } catch (OutOfMemoryError e) {
        // Off-heap memory is bounded by -XX:MaxDirectMemorySize: keep the file's layout.
        LoggerFactory.getLogger(Matrices.class)
            .warn(
                "{} matrix {}x{} not repacked ({}); its products read the file's layout",
                type,
                rows,
                cols,
                e.getMessage());
      }
    }
    return new KernelMatrix(
        type,
        data,
        rows,
        cols,
        rowBytes,
        kernel,
        BatchProduct.of(backend),
        parallel,
        int8 ? Int8Dot.of(type, backend) : null,
        SubBlockSumDot.of(type, backend),
        repacked);
  }

  /**
   * Reads the switches that kernel classes hold in static finals (read once so that C2 folds them
   * into the loops), before those classes are first used: a bad value then fails here with {@link
   * EngineSwitch}'s message naming the property, not later as an {@code
   * ExceptionInInitializerError} that leaves the class unusable for the rest of the JVM. (The
   * property names are compile-time constants, so naming them does not initialise their classes.)
   */
  private static void checkStaticSwitches() {
    EngineSwitch.read(InterleavedRows.TWO_STREAMS_PROPERTY, true);
    EngineSwitch.read(KernelMatrix.ROW_PAIRS_PROPERTY, true);
    EngineSwitch.read(RepackedRows.TWO_STREAMS_PROPERTY, true);
  }
}
