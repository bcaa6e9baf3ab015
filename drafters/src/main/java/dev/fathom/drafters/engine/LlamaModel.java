package dev.fathom.drafters.engine;

import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.tensor.Matrix;
import dev.fathom.drafters.tensor.Parallel;
import dev.fathom.drafters.tensor.VectorMath;
import dev.fathom.memory.KvCache;

/**
 * The llama-family transformer (Llama 2/3, TinyLlama, SmolLM2, Mistral, Qwen2): pre-norm blocks of
 * grouped-query attention with RoPE and a SwiGLU feed-forward, as in Touvron et al. "Llama 2" §2
 * and llama.cpp's {@code build_llama}. One {@link #forward} call processes a batch of consecutive
 * positions (prompt prefill, speculative verification) or a single one (decode), appending their
 * keys and values to the sequence's {@link KvCache}.
 */
public final class LlamaModel {
  private final ModelConfig config;
  private final LlamaWeights w;
  private final Parallel parallel;
  private final Rope rope;
  private final int maxPositions;

  LlamaModel(GgufFile file, ModelConfig config, Parallel parallel, int maxPositions) {
    this.config = config;
    this.parallel = parallel;
    this.maxPositions = maxPositions;
    this.w = new LlamaWeights(file, config, parallel);
    this.rope = new Rope(config, maxPositions, w.ropeFreqs);
  }

  public ModelConfig config() {
    return config;
  }

  /** Positions a sequence may hold: the model's context length or a lower configured limit. */
  public int maxPositions() {
    return maxPositions;
  }

  /** Bytes of weights read per decoded token. */
  public long bytesPerToken() {
    return w.bytesPerToken();
  }

  /** A KV cache sized for this model. */
  public KvCache newCache() {
    return new KvCache(config.layers(), config.kvDim(), maxPositions);
  }

  /**
   * Runs {@code tokens} at positions {@code cache.length() ..} and appends them to the cache.
   *
   * @param allLogits logits for every position ({@code tokens.length × vocab}, row-major), or only
   *     for the last one ({@code vocab} floats)
   * @param recorder receives attention weights, or null
   */
  public float[] forward(
      KvCache cache, int[] tokens, boolean allLogits, AttentionRecorder recorder) {
    int n = tokens.length;
    int start = cache.length();
    if (n == 0) {
      throw new IllegalArgumentException("forward needs at least one token");
    }
    ModelConfig c = config;
    int dim = c.dim();
    int qDim = c.queryDim();
    int kvDim = c.kvDim();
    int hidden = c.hiddenDim();
    for (int t : tokens) {
      if (t < 0 || t >= c.vocabularySize()) {
        throw new IllegalArgumentException(
            "token id " + t + " is outside the vocabulary 0.." + (c.vocabularySize() - 1));
      }
    }
    cache.prepareAppend(n);

    float[] x = new float[n * dim]; // residual stream, one row per position
    float[] xb = new float[n * dim]; // normalised input of a sub-layer
    float[] q = new float[n * qDim];
    float[] k = new float[n * kvDim];
    float[] v = new float[n * kvDim];
    float[] att = new float[n * qDim]; // attention output before Wo
    float[] gate = new float[n * hidden];
    float[] up = new float[n * hidden];
    for (int i = 0; i < n; i++) {
      w.tokenEmbedding.row(tokens[i], x, i * dim);
    }

    for (int l = 0; l < c.layers(); l++) {
      // Attention: x += Wo · attention(RoPE(Wq·norm(x)), RoPE(Wk·norm(x)), Wv·norm(x))
      for (int i = 0; i < n; i++) {
        VectorMath.rmsNorm(x, i * dim, w.attnNorm[l], xb, i * dim, dim, c.rmsEps());
      }
      mul(w.wq[l], xb, n, q);
      mul(w.wk[l], xb, n, k);
      mul(w.wv[l], xb, n, v);
      addBias(q, w.bq[l], n);
      addBias(k, w.bk[l], n);
      addBias(v, w.bv[l], n);
      for (int i = 0; i < n; i++) {
        int pos = start + i;
        rope.apply(q, i * qDim, c.heads(), pos);
        rope.apply(k, i * kvDim, c.kvHeads(), pos);
        System.arraycopy(k, i * kvDim, cache.keys(l, pos), cache.offset(pos), kvDim);
        System.arraycopy(v, i * kvDim, cache.values(l, pos), cache.offset(pos), kvDim);
      }
      attention(cache, l, start, n, q, att, recorder);
      mul(w.wo[l], att, n, xb);
      VectorMath.add(x, 0, xb, 0, n * dim);

      // Feed-forward (SwiGLU): x += W_down · (silu(W_gate·norm(x)) ⊙ W_up·norm(x))
      for (int i = 0; i < n; i++) {
        VectorMath.rmsNorm(x, i * dim, w.ffnNorm[l], xb, i * dim, dim, c.rmsEps());
      }
      mul(w.wGate[l], xb, n, gate);
      mul(w.wUp[l], xb, n, up);
      VectorMath.siluMul(gate, up, 0, n * hidden);
      mul(w.wDown[l], gate, n, xb);
      VectorMath.add(x, 0, xb, 0, n * dim);
    }
    cache.commit(n);

    int vocab = c.vocabularySize();
    if (allLogits) {
      for (int i = 0; i < n; i++) {
        VectorMath.rmsNorm(x, i * dim, w.outputNorm, xb, i * dim, dim, c.rmsEps());
      }
      float[] logits = new float[n * vocab];
      mul(w.output, xb, n, logits);
      return logits;
    }
    VectorMath.rmsNorm(x, (n - 1) * dim, w.outputNorm, xb, 0, dim, c.rmsEps());
    float[] logits = new float[vocab];
    w.output.matvec(xb, 0, logits, 0);
    return logits;
  }

  /**
   * Causal scaled dot-product attention of every batch row and query head over the cached positions
   * {@code 0 .. start+i}; query head {@code h} reads key/value head {@code h / (heads / kvHeads)}
   * (grouped-query attention, Ainslie et al. 2023).
   */
  private void attention(
      KvCache cache, int layer, int start, int n, float[] q, float[] att, AttentionRecorder rec) {
    ModelConfig c = config;
    int hs = c.headSize();
    int group = c.heads() / c.kvHeads();
    float scale = (float) (1.0 / Math.sqrt(hs));
    parallel.forRange(
        0,
        n * c.heads(),
        (from, to) -> {
          float[] scores = new float[start + n];
          for (int job = from; job < to; job++) {
            int i = job / c.heads();
            int h = job % c.heads();
            int len = start + i + 1;
            int qOff = i * c.queryDim() + h * hs;
            int kvOff = (h / group) * hs;
            for (int t = 0; t < len; t++) {
              float[] keys = cache.keys(layer, t);
              scores[t] = VectorMath.dot(q, qOff, keys, cache.offset(t) + kvOff, hs) * scale;
            }
            VectorMath.softmax(scores, 0, len);
            if (rec != null && rec.wants(i)) {
              rec.record(layer, h, i, scores, len);
            }
            java.util.Arrays.fill(att, qOff, qOff + hs, 0f);
            for (int t = 0; t < len; t++) {
              float[] values = cache.values(layer, t);
              VectorMath.axpy(scores[t], values, cache.offset(t) + kvOff, att, qOff, hs);
            }
          }
        });
  }

  private static void mul(Matrix m, float[] in, int n, float[] out) {
    if (n == 1) {
      m.matvec(in, 0, out, 0);
    } else {
      m.matmul(in, n, out);
    }
  }

  private static void addBias(float[] y, float[] bias, int n) {
    if (bias != null) {
      for (int i = 0; i < n; i++) {
        VectorMath.add(y, i * bias.length, bias, 0, bias.length);
      }
    }
  }
}
