package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The two primitives a weight type needs: a dot product of stored elements with floats, and
 * dequantisation to floats. Both read {@code n} elements starting at {@code byteOffset} of {@code
 * w}, where {@code n} is a multiple of the type's block size and {@code byteOffset} is the start of
 * a block; callers check ranges once per matrix, not per call.
 *
 * <p>Every type has a scalar reference implementation and a Vector API one; {@link Kernels} picks
 * between them by {@link KernelBackend}.
 */
public interface TypeKernel {
  /** {@code Σ w[i] · x[xOff + i]} over the {@code n} elements stored at {@code byteOffset}. */
  float dot(MemorySegment w, long byteOffset, float[] x, int xOff, int n);

  /**
   * Dots two consecutive rows, stored at {@code byteOffset} and {@code byteOffset + rowBytes}, with
   * the same {@code x}, into {@code out[outOff]} and {@code out[outOff + 1]}; each result equals
   * {@link #dot} of its row (the same operations in the same order; only a lane reduction compiled
   * by a different JIT tier may round differently). A kernel whose one-row loop is bound by one
   * accumulator chain and by the loads in flight of a single stream overrides it to run both rows
   * in one loop (two independent chains, two streams, {@code x} loaded once for both).
   */
  default void dot2(
      MemorySegment w,
      long byteOffset,
      long rowBytes,
      float[] x,
      int xOff,
      int n,
      float[] out,
      int outOff) {
    out[outOff] = dot(w, byteOffset, x, xOff, n);
    out[outOff + 1] = dot(w, byteOffset + rowBytes, x, xOff, n);
  }

  /** Writes the {@code n} elements stored at {@code byteOffset} to {@code dst[dstOff ..]}. */
  void dequantize(MemorySegment w, long byteOffset, float[] dst, int dstOff, int n);
}
