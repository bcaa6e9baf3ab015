package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A row-major weight matrix of any computable {@link GgmlType}, read in place from a memory segment
 * (usually a slice of a mapped GGUF file). Row {@code r} holds the {@link #cols()} input weights of
 * output feature {@code r}; in GGUF shape terms a matrix is {@code [cols, rows]}.
 *
 * <p>Products run on the {@link Parallel} pool given at construction, with the kernels of the
 * {@link KernelBackend} named then. The engine reaches matrices only through its compute backend
 * ({@code dev.fathom.drafters.compute.CpuBackend}).
 */
public interface Matrix {
  int rows();

  int cols();

  GgmlType type();

  MemorySegment data();

  /** Dequantises row {@code r} into {@code dst[dstOff .. dstOff + cols)}. */
  void row(int r, float[] dst, int dstOff);

  /** {@code out[outOff + r] = row(r) · x[xOff .. xOff + cols)} for every row. */
  void matvec(float[] x, int xOff, float[] out, int outOff);

  /**
   * A batch of {@code n} products: {@code x} holds {@code n} input vectors of {@code cols} floats
   * one after another, {@code out} receives {@code n} vectors of {@code rows} floats.
   */
  void matmul(float[] x, int n, float[] out);
}
