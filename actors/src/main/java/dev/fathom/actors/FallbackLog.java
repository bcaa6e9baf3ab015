package dev.fathom.actors;

import dev.fathom.retrieval.rank.RankerKind;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a {@link QuestionCoordinator} logs when its question goes on without an optional stage: no
 * ranking stage, the ranker or the behavior stage failing or too slow, self-improvement extracting
 * nothing or failing. Optional stages never fail a question — a ranker only reorders, behaviors may
 * improve an answer but never block it — so these lines are the only sign that one was skipped.
 * They are kept together because operators grep for them and tests match them word for word.
 *
 * <p>Each line names the request and says why; a stage's error is in the stage's own words ({@link
 * StageCall#message}). The logger is the coordinator's, fetched at each use, as Pekko asks, so each
 * line carries the current message's MDC; call only from the coordinator's thread.
 */
final class FallbackLog {

  private final ActorContext<?> context;
  private final String requestId;

  FallbackLog(ActorContext<?> context, String requestId) {
    this.context = context;
    this.requestId = requestId;
  }

  /** The question asked for {@code kind} ranking, but the pipeline has no ranking stage. */
  void noRankingStage(RankerKind kind) {
    context
        .getLog()
        .warn(
            "{}: {} ranking asked for but this pipeline has no ranking stage;"
                + " keeping the retrieval order",
            requestId,
            kind.id());
  }

  /** The {@code kind} ranker failed with {@code cause}, or timed out after {@code millis}. */
  void rankingFailed(RankerKind kind, Throwable cause, long millis) {
    String why =
        cause instanceof TimeoutException
            ? "timed out after " + millis + " ms"
            : "failed: " + StageCall.message(cause);
    context
        .getLog()
        .warn("{}: {} ranking {}; keeping the retrieval order", requestId, kind.id(), why);
  }

  /** The behavior stage failed with {@code cause}, or took longer than its {@code timeout}. */
  void noBehaviors(Throwable cause, Duration timeout) {
    context
        .getLog()
        .warn(
            "request {}: answering without behaviors, the behavior stage {}",
            requestId,
            cause instanceof TimeoutException
                ? "took longer than " + timeout.toMillis() + " ms"
                : "failed: " + StageCall.message(cause));
  }

  /** Self-improvement extracted no behaviors from the first answer (INFO: nothing went wrong). */
  void nothingExtracted() {
    context.getLog().info("request {}: no behaviors extracted; the first answer stands", requestId);
  }

  /** Self-improvement's extraction failed with {@code cause}. */
  void improvementFailed(Throwable cause) {
    context
        .getLog()
        .warn(
            "request {}: self-improvement failed, the first answer stands: {}",
            requestId,
            StageCall.message(cause));
  }
}
