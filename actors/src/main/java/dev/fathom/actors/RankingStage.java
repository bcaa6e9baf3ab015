package dev.fathom.actors;

import java.time.Duration;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The ranking stage as a {@link QuestionCoordinator} sees it: the ranker router and the stage's own
 * budget (the coordinator waits for the smaller of it and what is left of the question's).
 */
public record RankingStage(ActorRef<RankerActor.Command> ranker, Duration timeout) {
  public RankingStage {
    Objects.requireNonNull(ranker, "ranker");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("ranking timeout must be at least 1 ms, got " + timeout);
    }
  }
}
