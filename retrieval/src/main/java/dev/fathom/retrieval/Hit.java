package dev.fathom.retrieval;

import java.util.Objects;

/**
 * One ranked search result.
 *
 * @param passage the passage found
 * @param score the ranking score of the mode that produced it (BM25, cosine, or fused RRF score)
 * @param rank 1-based rank in the result list
 */
public record Hit(Passage passage, float score, int rank) {
  public Hit {
    Objects.requireNonNull(passage, "passage");
    if (rank < 1) {
      throw new IllegalArgumentException("rank is 1-based, got " + rank);
    }
  }
}
