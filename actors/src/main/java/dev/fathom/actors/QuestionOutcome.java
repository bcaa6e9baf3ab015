package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.retrieval.Hit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * What the one reply of a {@link QuestionCoordinator} says. An answer carries the budget's timings
 * ({@code timings_ms}) and, on its citations, the relevance of the retrieved passages they quote —
 * so the coordinator notes what retrieval found as soon as it is found. A failure names the stage
 * the budget was in and, for an error, the stage's own words ({@link StageCall#message}).
 */
final class QuestionOutcome {

  private final Question question;
  private final QuestionBudget budget;
  private final RelevanceScale scale;
  private List<Hit> retrieved = List.of();
  private Map<String, Double> relevance = Map.of();

  QuestionOutcome(Question question, QuestionBudget budget, RelevanceScale scale) {
    this.question = question;
    this.budget = budget;
    this.scale = scale;
  }

  /** Notes what retrieval found, for the citations' relevance. */
  void retrieved(List<Hit> hits) {
    // The relevance is the retrieval's: a ranker reorders hits, it does not rescore on this scale.
    retrieved = hits;
    relevance = scale.of(hits, question.mode());
  }

  /** The reply carrying {@code answer}, with the question's timings and its citations' scores. */
  QuestionResult answered(Answer answer) {
    return new QuestionResult.Answered(
        question.requestId(),
        answer
            .withTimings(budget.finish())
            .withScores(CitationScores.of(answer.citations(), retrieved, relevance)));
  }

  /** The reply when the question's budget ran out, naming the stage it was in. */
  QuestionResult timedOut() {
    return budget.timedOut(question.requestId());
  }

  /**
   * The reply when a required stage failed with {@code cause}. Such a stage was given all that was
   * left of the budget, so its ask timing out is the budget running out: the same failure as the
   * deadline timer's, whichever comes first.
   */
  QuestionResult failed(Throwable cause) {
    return cause instanceof TimeoutException
        ? timedOut()
        : budget.failed(question.requestId(), StageCall.message(cause));
  }
}
