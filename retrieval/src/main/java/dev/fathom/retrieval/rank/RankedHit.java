package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import java.util.Objects;

/**
 * One candidate after ranking.
 *
 * @param hit the candidate as retrieval returned it (its rank is the retrieval rank)
 * @param score the ranker's score; higher is better; comparable only within one ranking
 * @param explanation why it scored so (features, attention mass, window position)
 */
public record RankedHit(Hit hit, double score, String explanation) {
  public RankedHit {
    Objects.requireNonNull(hit, "hit");
    Objects.requireNonNull(explanation, "explanation");
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("score of " + hit.passage().id() + " is NaN");
    }
  }
}
