package dev.fathom.drafters.engine;

import dev.fathom.memory.KvCache;

/**
 * A {@link Sequence} of a {@link LlamaModel}: the model plus this sequence's own KV cache and the
 * activations its forward passes reuse (grown to the largest batch seen, so decoding and repeated
 * prefill chunks allocate nothing but their logits).
 */
public final class LlamaSequence implements Sequence {
  private final LlamaModel model;
  private final KvCache cache;
  private Workspace workspace;

  LlamaSequence(LlamaModel model, KvCache cache) {
    this.model = model;
    this.cache = cache;
  }

  @Override
  public int length() {
    return cache.length();
  }

  @Override
  public int capacity() {
    return cache.capacity();
  }

  @Override
  public int vocabularySize() {
    return model.config().vocabularySize();
  }

  @Override
  public float[] forward(int[] tokens, boolean allLogits) {
    return forward(tokens, allLogits, null);
  }

  /** Like {@link #forward} and reports attention weights to {@code recorder}. */
  public float[] forward(int[] tokens, boolean allLogits, AttentionRecorder recorder) {
    if (workspace == null || workspace.positions < tokens.length) {
      workspace = model.newWorkspace(Math.max(1, tokens.length));
    }
    return model.forward(cache, tokens, allLogits, recorder, workspace);
  }

  @Override
  public void truncate(int length) {
    cache.truncate(length);
  }

  /** A second sequence sharing this one's prefix (copy-on-write KV pages). */
  public LlamaSequence fork() {
    return new LlamaSequence(model, cache.fork());
  }

  public ModelConfig config() {
    return model.config();
  }

  public KvCache cache() {
    return cache;
  }
}
