package dev.fathom.drafters.compute.cuda;

import dev.fathom.drafters.compute.WeightMatrix;
import dev.fathom.drafters.gguf.GgmlType;
import jcuda.driver.CUdeviceptr;

/**
 * A weight matrix uploaded to the device as the GGUF stores it: {@code rows} rows of {@code
 * rowBytes} bytes, row {@code r} at byte {@code r × rowBytes}. The handle owns the memory.
 */
record DeviceMatrix(GgmlType type, int rows, int cols, long rowBytes, CUdeviceptr ptr)
    implements WeightMatrix {
  @Override
  public long byteSize() {
    return rowBytes * rows;
  }

  /** The checks of the CPU's {@code Matrices.of}, with its messages. */
  static void checkShape(GgmlType type, long bytes, int rows, int cols) {
    String m = type + " matrix " + rows + "x" + cols;
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(m + ": rows and cols must be >= 1");
    }
    if (cols % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          m + ": cols must be a multiple of the block size " + type.blockSize());
    }
    long expected = type.byteSize(cols) * rows;
    if (bytes != expected) {
      throw new IllegalArgumentException(m + " needs " + expected + " bytes; data has " + bytes);
    }
  }
}
