package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.drafters.lm.TokenListener;
import java.time.Duration;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a {@link QuestionCoordinator} is started with: the question, the stages it asks, the budget
 * it has, and who gets its one reply — plus three optional parts with defaults that leave them out,
 * set with the {@code with…} methods so that a caller names only what it uses:
 *
 * <pre>{@code
 * QuestionCoordinator.create(
 *     new QuestionRun(question, stages, timeout, replyTo).withRanking(ranking));
 * }</pre>
 *
 * @param question what is asked
 * @param stages the stage actors asked in turn
 * @param timeout the whole question's budget, at least 1 ms; each stage gets what is left of it
 * @param replyTo gets exactly one {@link QuestionResult}
 * @param stream gets the answer's text as it is generated ({@link TokenListener#NONE}: not
 *     streamed)
 * @param ranking the ranking stage between retrieval and compression; null means there is none, and
 *     a question asking for a ranker keeps the retrieval order (logged)
 * @param relevance puts the retrieved hits on the 0–1 scale {@code fathom search} shows, so the
 *     answer's citations carry it ({@link Answer#scores()}); {@link RelevanceScale#NONE}: no scores
 */
public record QuestionRun(
    Question question,
    StageRefs stages,
    Duration timeout,
    ActorRef<QuestionResult> replyTo,
    TokenListener stream,
    RankingStage ranking,
    RelevanceScale relevance) {

  public QuestionRun {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(stages, "stages");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(replyTo, "replyTo");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(relevance, "relevance");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 ms, got " + timeout);
    }
  }

  /** A run that does not stream, has no ranking stage and puts no relevance on citations. */
  public QuestionRun(
      Question question, StageRefs stages, Duration timeout, ActorRef<QuestionResult> replyTo) {
    this(question, stages, timeout, replyTo, TokenListener.NONE, null, RelevanceScale.NONE);
  }

  /** This run, streaming the answer's text to {@code stream}. */
  public QuestionRun withStream(TokenListener stream) {
    return new QuestionRun(question, stages, timeout, replyTo, stream, ranking, relevance);
  }

  /** This run, with {@code ranking} between retrieval and compression (null: none). */
  public QuestionRun withRanking(RankingStage ranking) {
    return new QuestionRun(question, stages, timeout, replyTo, stream, ranking, relevance);
  }

  /** This run, putting the retrieved hits on {@code relevance}'s 0–1 scale. */
  public QuestionRun withRelevance(RelevanceScale relevance) {
    return new QuestionRun(question, stages, timeout, replyTo, stream, ranking, relevance);
  }
}
