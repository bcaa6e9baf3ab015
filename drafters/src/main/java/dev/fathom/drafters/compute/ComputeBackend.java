package dev.fathom.drafters.compute;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.memory.KvCache;
import java.lang.foreign.MemorySegment;

/**
 * Everything a transformer forward pass computes, as whole operations over a batch of {@code n}
 * consecutive positions (Jlama's {@code TensorOperations} is the model): the engine's {@code
 * LlamaModel.forward} calls nothing else. Implementations: {@link CpuBackend} on the scalar
 * reference kernels or on the Vector API ones; a device backend (JCuda) implements the same
 * methods.
 *
 * <p>Ownership is what lets a device backend keep data where it computes: weights are handed over
 * once, at load ({@link #matrix}, {@link #vector}), and referred to by handle; activations are
 * {@link Activations} the backend allocates and only it reads or writes; the only results that
 * reach the Java heap are the logits ({@link #logits}) and the attention weights a {@link
 * AttentionSink} asks for. Activations hold one row per position, row-major; operations on rows
 * take the row count and read the width from their weights.
 *
 * <p>One backend is chosen at start-up ({@link ComputeBackends}). It runs one operation at a time
 * per caller; operations themselves may use every thread the backend owns.
 */
public interface ComputeBackend extends AutoCloseable {
  /** What runs, for logs and reports: {@code cpu (Vector API, 256-bit, 4 threads)}. */
  String describe();

  // ---- Handed over once, at load.

  /**
   * A {@code rows × cols} matrix of {@code type} stored row-major in {@code data}.
   *
   * @throws UnsupportedOperationException when the backend has no kernels for {@code type}
   * @throws IllegalArgumentException when the shape does not match {@code data}
   */
  WeightMatrix matrix(GgmlType type, MemorySegment data, int rows, int cols);

  /** A float parameter; {@code values} is copied or uploaded and may be reused by the caller. */
  WeightVector vector(float[] values);

  /** Activations of {@code floats} zeroed floats. */
  Activations allocate(int floats);

  // ---- The operations of a forward pass, in the order a block runs them.

  /** Row {@code i} of {@code out} = row {@code tokens[i]} of {@code table} (token embedding). */
  void embed(WeightMatrix table, int[] tokens, Activations out);

  /**
   * RMSNorm (Zhang and Sennrich 2019, eq. 4) of {@code rows} rows: {@code out[outRow + i] = x[xRow
   * + i] / sqrt(mean(x²) + eps) · gain}; rows are {@code gain.size()} wide. {@code out} may be
   * {@code x}.
   */
  void rmsNorm(
      Activations x, int xRow, WeightVector gain, float eps, Activations out, int outRow, int rows);

  /**
   * The product of {@code w} with {@code n} input rows of {@code w.cols()} floats: {@code out} row
   * {@code i} = {@code w · in} row {@code i}. Quantised weights are dequantised on the fly.
   */
  void matmul(WeightMatrix w, Activations in, int n, Activations out);

  /**
   * Adds {@code bias} to each of the first {@code n} rows of {@code y} ({@code bias.size()} wide).
   */
  void addBias(Activations y, WeightVector bias, int n);

  /**
   * Rotates the first {@code n} rows of {@code v}, each {@code heads} heads of {@code 2 ·
   * table.half()} floats, row {@code i} at position {@code startPos + i}.
   */
  void rope(RotaryTable table, Activations v, int n, int heads, int startPos);

  /**
   * Writes the first {@code n} rows of {@code k} and {@code v} ({@code cache.kvDim()} wide) to
   * positions {@code start ..} of {@code layer}; the cache must have them prepared.
   */
  void storeKv(KvCache cache, int layer, int start, int n, Activations k, Activations v);

  /**
   * Causal scaled dot-product attention (Vaswani et al. 2017, eq. 1) of {@code n} query rows at
   * positions {@code start ..} over the cached positions {@code 0 .. start + i}: scores, softmax,
   * the weighted sum of values into {@code out}. The softmax is part of the operation, as in fused
   * attention kernels (FlashAttention, Dao et al. 2022), so scores need not leave the backend;
   * {@code sink} (or null) sees the softmax weights of the rows it wants.
   */
  void attention(
      KvCache cache,
      int layer,
      int start,
      int n,
      AttentionShape shape,
      Activations q,
      Activations out,
      AttentionSink sink);

  /** SwiGLU's gating (Shazeer 2020): {@code gate = silu(gate) ⊙ up} over {@code floats} floats. */
  void swiglu(Activations gate, Activations up, int floats);

  /** The residual connection: {@code y += x} over {@code floats} floats. */
  void add(Activations y, Activations x, int floats);

  /**
   * The output projection of {@code n} rows of {@code x}, written to the Java heap: {@code out}
   * receives {@code n × output.rows()} logits, row-major. The one copy back from a device.
   */
  void logits(WeightMatrix output, Activations x, int n, float[] out);

  /** Releases the backend's threads and memory. */
  @Override
  void close();
}
