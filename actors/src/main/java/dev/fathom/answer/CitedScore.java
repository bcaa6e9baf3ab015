package dev.fathom.answer;

/**
 * How well the retrieved passage a citation quotes matched the question, as search shows it.
 *
 * @param relevance 0–1 relevance of the passage ({@code Relevance} in retrieval: hybrid, dense and
 *     BM25 each on their own scale, mapped to 0–1), the same number {@code fathom search} prints
 * @param score the raw retrieval score of the passage (fused RRF, cosine or BM25), for scripts
 */
public record CitedScore(double relevance, double score) {
  public CitedScore {
    if (!(relevance >= 0 && relevance <= 1)) {
      throw new IllegalArgumentException("relevance must be in [0, 1], got " + relevance);
    }
    if (!Double.isFinite(score)) {
      throw new IllegalArgumentException("score must be finite, got " + score);
    }
  }
}
