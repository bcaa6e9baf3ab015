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

  /** Writes the {@code n} elements stored at {@code byteOffset} to {@code dst[dstOff ..]}. */
  void dequantize(MemorySegment w, long byteOffset, float[] dst, int dstOff, int n);
}
