package dev.fathom.drafters.engine;

import dev.fathom.drafters.compute.Activations;
import dev.fathom.drafters.compute.AttentionShape;
import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.RotaryTable;
import dev.fathom.drafters.compute.WeightVector;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.memory.KvCache;

/**
 * The llama-family transformer (Llama 2/3, TinyLlama, SmolLM2, Mistral, Qwen2): pre-norm blocks of
 * grouped-query attention with RoPE and a SwiGLU feed-forward, as in Touvron et al. "Llama 2" §2
 * and llama.cpp's {@code build_llama}. One {@link #forward} call processes a batch of consecutive
 * positions (prompt prefill, speculative verification) or a single one (decode), appending their
 * keys and values to the sequence's {@link KvCache}. Every computation is an operation of the
 * {@link ComputeBackend} the model was loaded on.
 */
public final class LlamaModel {
  private final ModelConfig config;
  private final ComputeBackend backend;
  private final LlamaWeights w;
  private final RotaryTable rope;
  private final AttentionShape shape;
  private final int maxPositions;

  LlamaModel(GgufFile file, ModelConfig config, ComputeBackend backend, int maxPositions) {
    this.config = config;
    this.backend = backend;
    this.maxPositions = maxPositions;
    this.w = new LlamaWeights(file, config, backend);
    this.rope = Rope.table(config, maxPositions, w.ropeFreqs, backend);
    this.shape = new AttentionShape(config.heads(), config.kvHeads(), config.headSize());
  }

  public ModelConfig config() {
    return config;
  }

  /** The backend this model's weights live on. */
  public ComputeBackend backend() {
    return backend;
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

  /** Activations for forward passes of up to {@code positions} positions. */
  Workspace newWorkspace(int positions) {
    return new Workspace(backend, config, positions);
  }

  /**
   * Runs {@code tokens} at positions {@code cache.length() ..} and appends them to the cache, with
   * activations allocated for this call.
   *
   * @param allLogits logits for every position ({@code tokens.length × vocab}, row-major), or only
   *     for the last one ({@code vocab} floats)
   * @param recorder receives attention weights, or null
   */
  public float[] forward(
      KvCache cache, int[] tokens, boolean allLogits, AttentionRecorder recorder) {
    return forward(cache, tokens, allLogits, recorder, newWorkspace(Math.max(1, tokens.length)));
  }

  /** As {@link #forward(KvCache, int[], boolean, AttentionRecorder)} in a reused workspace. */
  float[] forward(
      KvCache cache, int[] tokens, boolean allLogits, AttentionRecorder recorder, Workspace a) {
    int n = tokens.length;
    int start = cache.length();
    if (n == 0) {
      throw new IllegalArgumentException("forward needs at least one token");
    }
    if (n > a.positions) {
      throw new IllegalArgumentException(
          n + " tokens do not fit a workspace of " + a.positions + " positions");
    }
    ModelConfig c = config;
    for (int t : tokens) {
      if (t < 0 || t >= c.vocabularySize()) {
        throw new IllegalArgumentException(
            "token id " + t + " is outside the vocabulary 0.." + (c.vocabularySize() - 1));
      }
    }
    ComputeBackend b = backend;
    int dim = c.dim();
    float eps = c.rmsEps();
    cache.prepareAppend(n);

    // x = embedding rows of the tokens (the residual stream, one row per position)
    b.embed(w.tokenEmbedding, tokens, a.x);

    for (int l = 0; l < c.layers(); l++) {
      // Attention: x += Wo · attention(RoPE(Wq·norm(x)), RoPE(Wk·norm(x)), Wv·norm(x))
      b.rmsNorm(a.x, 0, w.attnNorm[l], eps, a.xb, 0, n);
      b.matmul(w.wq[l], a.xb, n, a.q);
      b.matmul(w.wk[l], a.xb, n, a.k);
      b.matmul(w.wv[l], a.xb, n, a.v);
      addBias(a.q, w.bq[l], n); // Qwen2's attention biases; null elsewhere
      addBias(a.k, w.bk[l], n);
      addBias(a.v, w.bv[l], n);
      b.rope(rope, a.q, n, c.heads(), start);
      b.rope(rope, a.k, n, c.kvHeads(), start);
      b.storeKv(cache, l, start, n, a.k, a.v);
      b.attention(cache, l, start, n, shape, a.q, a.att, recorder);
      b.matmul(w.wo[l], a.att, n, a.xb);
      b.add(a.x, a.xb, n * dim);

      // Feed-forward (SwiGLU): x += W_down · (silu(W_gate·norm(x)) ⊙ W_up·norm(x))
      b.rmsNorm(a.x, 0, w.ffnNorm[l], eps, a.xb, 0, n);
      b.matmul(w.wGate[l], a.xb, n, a.gate);
      b.matmul(w.wUp[l], a.xb, n, a.up);
      b.swiglu(a.gate, a.up, n * c.hiddenDim());
      b.matmul(w.wDown[l], a.gate, n, a.xb);
      b.add(a.x, a.xb, n * dim);
    }
    cache.commit(n);

    // Logits = W_out · norm(x), of every position or of the last one only
    int rows = allLogits ? n : 1;
    b.rmsNorm(a.x, n - rows, w.outputNorm, eps, a.xb, 0, rows);
    float[] logits = new float[rows * c.vocabularySize()];
    b.logits(w.output, a.xb, rows, logits);
    return logits;
  }

  private void addBias(Activations y, WeightVector bias, int n) {
    if (bias != null) {
      backend.addBias(y, bias, n);
    }
  }
}
