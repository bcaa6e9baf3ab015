package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.answer.CitedScore;
import dev.fathom.retrieval.Hit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** What a question's one reply says, on a hand-moved clock: failures, timeouts, answers. */
class QuestionOutcomeTest {

  private long now = 7_000_000_000L;
  private final QuestionBudget budget = new QuestionBudget(Duration.ofMillis(800), () -> now);
  private final Question question = Fakes.question("o-1");

  private void advance(long ms) {
    now += ms * 1_000_000;
  }

  @Test
  void aStagesErrorReplyIsReportedInItsOwnWordsAndAnythingElseWithItsClass() {
    QuestionOutcome outcome = new QuestionOutcome(question, budget, RelevanceScale.NONE);
    budget.begin(QuestionCoordinator.COMPRESS);
    var own =
        (QuestionResult.Failed)
            outcome.failed(new StatusReply.ErrorMessage("IllegalStateException: embedder closed"));
    assertEquals("o-1", own.requestId());
    assertEquals("compress", own.stage());
    assertEquals("compress failed: IllegalStateException: embedder closed", own.reason());
    var bug = (QuestionResult.Failed) outcome.failed(new IllegalArgumentException("bad k"));
    assertEquals("compress failed: IllegalArgumentException: bad k", bug.reason());
  }

  @Test
  void anAskThatTimedOutIsTheBudgetRunningOutLikeTheDeadline() {
    QuestionOutcome outcome = new QuestionOutcome(question, budget, RelevanceScale.NONE);
    budget.begin(QuestionCoordinator.ANSWER);
    var failed = (QuestionResult.Failed) outcome.failed(new TimeoutException("Ask timed out"));
    assertEquals("answer", failed.stage());
    assertEquals("timed out after 800 ms in stage answer", failed.reason());
    assertEquals(failed, outcome.timedOut());
  }

  @Test
  void anAnswerCarriesTheTimingsAndTheRetrievalsRelevanceOnItsCitations() {
    RelevanceScale scale = (hits, mode) -> Map.of(Fakes.PASSAGE.id(), 0.5);
    QuestionOutcome outcome = new QuestionOutcome(question, budget, scale);
    budget.begin(QuestionCoordinator.RETRIEVE);
    advance(3);
    outcome.retrieved(List.of(new Hit(Fakes.PASSAGE, 2.0f, 1)));
    budget.begin(QuestionCoordinator.ANSWER);
    advance(5);

    var answered =
        (QuestionResult.Answered) outcome.answered(Fakes.answer(question.text(), Fakes.PASSAGE));
    assertEquals("o-1", answered.requestId());
    assertEquals(
        List.of("retrieve", "answer", "total"),
        List.copyOf(answered.answer().timingsMs().keySet()));
    assertEquals(List.of(3L, 5L, 8L), List.copyOf(answered.answer().timingsMs().values()));
    assertEquals(Map.of(1, new CitedScore(0.5, 2.0)), answered.answer().scores());
  }

  @Test
  void withoutARelevanceScaleCitationsCarryNoScores() {
    QuestionOutcome outcome = new QuestionOutcome(question, budget, RelevanceScale.NONE);
    outcome.retrieved(List.of(new Hit(Fakes.PASSAGE, 2.0f, 1)));
    var answered =
        (QuestionResult.Answered) outcome.answered(Fakes.answer(question.text(), Fakes.PASSAGE));
    assertEquals(Map.of(), answered.answer().scores());
  }
}
