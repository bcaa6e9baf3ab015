package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The shared loops of the scalar reference kernels of block types: decode each block into floats,
 * then sum or copy. Each type only says how one block decodes ({@link Decoder}).
 */
final class ScalarBlocks {
  private ScalarBlocks() {}

  /** Decodes the block at byte {@code o} into {@code out[outOff .. outOff + blockSize)}. */
  @FunctionalInterface
  interface Decoder {
    void block(MemorySegment w, long o, float[] out, int outOff);
  }

  /** The dot product with the plain summation order the vector kernels are checked against. */
  static float dot(
      Decoder d,
      int blockSize,
      int bytesPerBlock,
      MemorySegment w,
      long byteOffset,
      float[] x,
      int xOff,
      int n) {
    float[] values = new float[blockSize];
    float sum = 0f;
    for (int b = 0; b < n / blockSize; b++) {
      d.block(w, byteOffset + (long) b * bytesPerBlock, values, 0);
      for (int i = 0; i < blockSize; i++) {
        sum += values[i] * x[xOff + b * blockSize + i];
      }
    }
    return sum;
  }

  static void dequantize(
      Decoder d,
      int blockSize,
      int bytesPerBlock,
      MemorySegment w,
      long byteOffset,
      float[] dst,
      int dstOff,
      int n) {
    for (int b = 0; b < n / blockSize; b++) {
      d.block(w, byteOffset + (long) b * bytesPerBlock, dst, dstOff + b * blockSize);
    }
  }
}
