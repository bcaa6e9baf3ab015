package dev.fathom.compressors.recomp;

import dev.fathom.retrieval.embed.Embedder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers the model-token counts of recently seen texts (LRU), as {@link
 * dev.fathom.retrieval.embed.CachingEmbedder} remembers their vectors. The trained compressor
 * counts the tokens of every candidate sentence and of the top passages for its budget; popular
 * passages come back question after question, and with their vectors cached, tokenising them again
 * was most of the compressor's time per question (docs/compression.md).
 */
final class TokenCounts {

  private final Embedder embedder;
  private final Map<String, Integer> cache;

  /**
   * @param capacity texts remembered; the least recently used is forgotten first
   */
  TokenCounts(Embedder embedder, int capacity) {
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > capacity;
          }
        };
  }

  /** {@link Embedder#countTokens} of {@code text}, counted once while it stays remembered. */
  int of(String text) {
    synchronized (cache) {
      Integer n = cache.get(text);
      if (n != null) return n;
    }
    int n = embedder.countTokens(text);
    synchronized (cache) {
      cache.put(text, n);
    }
    return n;
  }

  int size() {
    synchronized (cache) {
      return cache.size();
    }
  }
}
