package dev.fathom.drafters.compute;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.FloatOps;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Matrices;
import dev.fathom.drafters.tensor.Matrix;
import dev.fathom.drafters.tensor.Parallel;
import dev.fathom.memory.KvCache;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * The {@link ComputeBackend} of the CPU: weights stay views over the mapped file ({@link Matrix}),
 * activations are Java float arrays, products and attention heads split over a {@link Parallel}
 * pool. The same class runs the scalar reference kernels or the Vector API ones ({@link
 * KernelBackend}), so the two differ only in the kernels a differential test compares.
 */
public final class CpuBackend implements ComputeBackend {
  private final KernelBackend kernels;
  private final FloatOps ops;

  /** Below this many attention multiply-adds a forward pass runs its heads on the caller. */
  private static final long SERIAL_ATTENTION = 1 << 18;

  private final Parallel parallel;

  /**
   * Whether batches and decode steps attend through {@link BlockedAttention} ({@code
   * -Dfathom.engine.blocked-attention}).
   */
  private final boolean blocked;

  public CpuBackend(KernelBackend kernels, int threads) {
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.ops = FloatOps.of(kernels);
    this.parallel = new Parallel(threads);
    this.blocked = kernels == KernelBackend.VECTOR && BlockedAttention.enabled();
  }

  @Override
  public String describe() {
    String k =
        kernels == KernelBackend.VECTOR
            ? "Vector API, " + KernelBackend.vectorBits() + "-bit"
            : "scalar reference kernels";
    return "cpu (" + k + ", " + parallel.threads() + " threads)";
  }

  public KernelBackend kernels() {
    return kernels;
  }

  /** A CPU weight matrix: the kernel-backed view over the mapped bytes. */
  private record CpuMatrix(Matrix m) implements WeightMatrix {
    @Override
    public int rows() {
      return m.rows();
    }

    @Override
    public int cols() {
      return m.cols();
    }

    @Override
    public GgmlType type() {
      return m.type();
    }

    @Override
    public long byteSize() {
      return m.data().byteSize();
    }
  }

  private record CpuVector(float[] v) implements WeightVector {
    @Override
    public int size() {
      return v.length;
    }
  }

  private record CpuActivations(float[] a) implements Activations {
    @Override
    public int size() {
      return a.length;
    }
  }

  private static Matrix m(WeightMatrix w) {
    return ((CpuMatrix) w).m;
  }

  private static float[] v(WeightVector w) {
    return ((CpuVector) w).v;
  }

  private static float[] a(Activations x) {
    return ((CpuActivations) x).a;
  }

  @Override
  public WeightMatrix matrix(GgmlType type, MemorySegment data, int rows, int cols) {
    return new CpuMatrix(Matrices.of(type, data, rows, cols, parallel, kernels));
  }

  @Override
  public WeightVector vector(float[] values) {
    return new CpuVector(values.clone());
  }

  @Override
  public Activations allocate(int floats) {
    return new CpuActivations(new float[floats]);
  }

  @Override
  public void embed(WeightMatrix table, int[] tokens, Activations out) {
    Matrix t = m(table);
    float[] o = a(out);
    for (int i = 0; i < tokens.length; i++) {
      t.row(tokens[i], o, i * t.cols());
    }
  }

  @Override
  public void rmsNorm(
      Activations x,
      int xRow,
      WeightVector gain,
      float eps,
      Activations out,
      int outRow,
      int rows) {
    float[] in = a(x);
    float[] o = a(out);
    float[] g = v(gain);
    int dim = g.length;
    for (int i = 0; i < rows; i++) {
      int from = (xRow + i) * dim;
      float inverseRms = (float) (1.0 / Math.sqrt(ops.sumOfSquares(in, from, dim) / dim + eps));
      ops.mul(in, from, g, 0, inverseRms, o, (outRow + i) * dim, dim);
    }
  }

  @Override
  public void matmul(WeightMatrix w, Activations in, int n, Activations out) {
    // One position reads every weight once per output (memory-bound); a batch dequantises a block
    // of rows once and reuses it for every position (Matrix.matmul).
    if (n == 1) {
      m(w).matvec(a(in), 0, a(out), 0);
    } else {
      m(w).matmul(a(in), n, a(out));
    }
  }

  @Override
  public void addBias(Activations y, WeightVector bias, int n) {
    float[] b = v(bias);
    float[] o = a(y);
    for (int i = 0; i < n; i++) {
      ops.add(o, i * b.length, b, 0, b.length);
    }
  }

  @Override
  public void rope(RotaryTable table, Activations v, int n, int heads, int startPos) {
    float[] x = a(v);
    float[] cos = v(table.cos());
    float[] sin = v(table.sin());
    int half = table.half();
    int headSize = 2 * half;
    boolean adjacent = table.adjacentPairs();
    if (startPos + n > table.positions()) {
      throw new IllegalArgumentException(
          "positions up to " + (startPos + n) + " exceed the RoPE table's " + table.positions());
    }
    for (int i = 0; i < n; i++) {
      int t = (startPos + i) * half;
      int row = i * heads * headSize;
      for (int h = 0; h < heads; h++) {
        int base = row + h * headSize;
        for (int j = 0; j < half; j++) {
          int p = adjacent ? base + 2 * j : base + j;
          int q = adjacent ? p + 1 : p + half;
          float c = cos[t + j];
          float s = sin[t + j];
          float x0 = x[p];
          float x1 = x[q];
          x[p] = x0 * c - x1 * s;
          x[q] = x0 * s + x1 * c;
        }
      }
    }
  }

  @Override
  public void storeKv(KvCache cache, int layer, int start, int n, Activations k, Activations v) {
    int kvDim = cache.kvDim();
    float[] ks = a(k);
    float[] vs = a(v);
    for (int i = 0; i < n; i++) {
      int pos = start + i;
      System.arraycopy(ks, i * kvDim, cache.keys(layer, pos), cache.offset(pos), kvDim);
      System.arraycopy(vs, i * kvDim, cache.values(layer, pos), cache.offset(pos), kvDim);
    }
  }

  @Override
  public void attention(
      KvCache cache,
      int layer,
      int start,
      int n,
      AttentionShape shape,
      Activations q,
      Activations out,
      AttentionSink sink) {
    if (blocked && BlockedAttention.suits(n, shape)) {
      BlockedAttention.run(parallel, cache, layer, start, n, shape, a(q), a(out), sink);
    } else {
      attentionByHead(cache, layer, start, n, shape, a(q), a(out), sink);
    }
  }

  /** Attention one (position, query head) at a time: dot products with every key, then axpys. */
  void attentionByHead(
      KvCache cache,
      int layer,
      int start,
      int n,
      AttentionShape shape,
      float[] qs,
      float[] att,
      AttentionSink sink) {
    int heads = shape.heads();
    int hs = shape.headSize();
    int qDim = shape.queryDim();
    int group = heads / shape.kvHeads();
    float scale = (float) (1.0 / Math.sqrt(hs));
    Parallel.RangeBody byHead =
        (from, to) -> {
          float[] scores = new float[start + n];
          for (int job = from; job < to; job++) {
            int i = job / heads;
            int h = job % heads;
            int len = start + i + 1;
            int qOff = i * qDim + h * hs;
            int kvOff = (h / group) * hs;
            for (int t = 0; t < len; t++) {
              float[] keys = cache.keys(layer, t);
              scores[t] = ops.dot(qs, qOff, keys, cache.offset(t) + kvOff, hs) * scale;
            }
            softmax(scores, len);
            if (sink != null && sink.wants(i)) {
              sink.record(layer, h, i, scores, len);
            }
            Arrays.fill(att, qOff, qOff + hs, 0f);
            for (int t = 0; t < len; t++) {
              float[] values = cache.values(layer, t);
              ops.axpy(scores[t], values, cache.offset(t) + kvOff, att, qOff, hs);
            }
          }
        };
    // Multiply-adds of scores and weighted values; a small model's few heads over a short cache
    // finish on the caller in less time than waking a worker takes.
    long work = 2L * n * heads * (start + n) * hs;
    if (work <= SERIAL_ATTENTION) {
      byHead.run(0, n * heads);
    } else {
      parallel.forRange(0, n * heads, byHead);
    }
  }

  /** Softmax in place, stable: the maximum is subtracted before {@code exp}. */
  void softmax(float[] x, int n) {
    float sum = ops.expShiftSum(x, 0, n, ops.max(x, 0, n));
    ops.scale(x, 0, n, 1f / sum);
  }

  @Override
  public void swiglu(Activations gate, Activations up, int floats) {
    ops.siluMul(a(gate), a(up), 0, floats);
  }

  @Override
  public void add(Activations y, Activations x, int floats) {
    ops.add(a(y), 0, a(x), 0, floats);
  }

  @Override
  public void logits(WeightMatrix output, Activations x, int n, float[] out) {
    if (n == 1) {
      m(output).matvec(a(x), 0, out, 0);
    } else {
      m(output).matmul(a(x), n, out);
    }
  }

  @Override
  public void close() {
    parallel.close();
  }

  @Override
  public String toString() {
    return describe();
  }
}
