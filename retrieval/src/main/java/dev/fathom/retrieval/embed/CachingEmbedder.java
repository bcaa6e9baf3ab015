package dev.fathom.retrieval.embed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers the vectors of recently embedded texts (LRU). Compression embeds the sentences of the
 * retrieved passages; popular passages come back again and again, and an evaluation run over
 * thousands of questions on one corpus embeds each sentence once instead of once per question.
 */
public final class CachingEmbedder implements Embedder {

  private final Embedder delegate;
  private final Map<String, float[]> cache;

  public CachingEmbedder(Embedder delegate, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    this.delegate = delegate;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    float[][] out = new float[texts.size()][];
    List<String> missing = new ArrayList<>();
    List<Integer> missingAt = new ArrayList<>();
    synchronized (cache) {
      for (int i = 0; i < texts.size(); i++) {
        float[] v = cache.get(texts.get(i));
        if (v != null) {
          out[i] = v;
        } else {
          missing.add(texts.get(i));
          missingAt.add(i);
        }
      }
    }
    if (!missing.isEmpty()) {
      List<float[]> computed = delegate.embedAll(missing);
      synchronized (cache) {
        for (int j = 0; j < computed.size(); j++) {
          out[missingAt.get(j)] = computed.get(j);
          cache.put(missing.get(j), computed.get(j));
        }
      }
    }
    return List.of(out);
  }

  @Override
  public int countTokens(String text) {
    return delegate.countTokens(text);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
