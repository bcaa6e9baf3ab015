package dev.fathom.compressors.recomp;

import dev.fathom.retrieval.embed.Embedder;
import java.util.Objects;

/**
 * Remembers the model-token counts of recently seen texts (LRU), as {@link
 * dev.fathom.retrieval.embed.CachingEmbedder} remembers their vectors. The trained compressor
 * counts the tokens of every candidate sentence and of the top passages for its budget; popular
 * passages come back question after question, and with their vectors cached, tokenising them again
 * was most of the compressor's time per question (docs/compression.md).
 */
final class TokenCounts {

  private final RememberedTexts<Integer> counts;

  /**
   * @param capacity texts remembered; the least recently used is forgotten first
   */
  TokenCounts(Embedder embedder, int capacity) {
    Objects.requireNonNull(embedder, "embedder");
    this.counts = new RememberedTexts<>(capacity, embedder::countTokens);
  }

  /** {@link Embedder#countTokens} of {@code text}, counted once while it stays remembered. */
  int of(String text) {
    return counts.of(text);
  }

  int size() {
    return counts.size();
  }
}
