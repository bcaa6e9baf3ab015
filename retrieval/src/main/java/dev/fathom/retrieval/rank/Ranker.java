package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import java.util.List;

/**
 * The ranking stage: reorders retrieved candidates for a question. Implementations never throw
 * because a model wrote nonsense — they repair it or keep the retrieval order, and say so in the
 * {@link Ranking#explanation()}. They may throw on bad arguments and on infrastructure failures
 * (index closed, model file gone), which the caller (the ranker actor) turns into a logged fallback
 * to the retrieval order. Implementations are safe to call from one thread at a time.
 */
public interface Ranker {

  /** Which ranker this is. */
  RankerKind kind();

  /**
   * Reorders {@code candidates} (best first in the result).
   *
   * @param question the user's question, non-blank
   * @param candidates retrieval's hits, best first; may be empty
   * @return the same passages, each exactly once, in the new order
   * @throws IllegalArgumentException when the question is blank
   */
  Ranking rank(String question, List<Hit> candidates);

  /** The identity ranker ({@code none}): keeps the retrieval order and scores. */
  static Ranker none() {
    return new Ranker() {
      @Override
      public RankerKind kind() {
        return RankerKind.NONE;
      }

      @Override
      public Ranking rank(String question, List<Hit> candidates) {
        Ranking.requireQuestion(question);
        return Ranking.retrievalOrder(candidates, "none: retrieval order kept");
      }
    };
  }
}
