package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A dot product that takes the sums of the input over each 32-element sub-block, computed once per
 * matrix–vector product and shared by every row: llama.cpp's {@code bsums} trick for the k-quants
 * with a per-sub-block minimum, {@code w = d·sc·q − dmin·m}, whose dot with {@code x} splits into
 * {@code d·Σ sc·(Σ q·x) − dmin·Σ m·(Σ x)}. The second term then costs eight scalar multiply-adds
 * per 256-element super-block instead of one vector multiply-add per 16 weights.
 */
interface SubBlockSumDot {
  /**
   * {@code Σ w[i] · x[xOff + i]} over the {@code n} elements stored at {@code byteOffset}, where
   * {@code sums[k]} is {@code Σ x[xOff + 32k + i]} for {@code i < 32} (see {@link #sums}).
   */
  float dot(MemorySegment w, long byteOffset, float[] x, int xOff, float[] sums, int n);

  /** The sums of {@code x[xOff .. xOff + n)} over each run of 32 elements. */
  float[] sums(float[] x, int xOff, int n);

  /**
   * The kernel for {@code type} on {@code backend}, or null when it has none: only Q4_K on the
   * vector backend (the scalar backend stays the plain reference).
   */
  static SubBlockSumDot of(GgmlType type, KernelBackend backend) {
    return backend == KernelBackend.VECTOR && type == GgmlType.Q4_K ? VectorKQuantSums.Q4_K : null;
  }
}
