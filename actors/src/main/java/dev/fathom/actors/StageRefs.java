package dev.fathom.actors;

import java.time.Duration;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The stage actors (routers, in the pipeline) a {@link QuestionCoordinator} asks in turn.
 *
 * @param librarian the behavior stage between compression and answering; null when the handbook is
 *     off
 * @param behaviorTimeout the most the behavior stage may take before the answer goes ahead without
 *     behaviors
 */
public record StageRefs(
    ActorRef<RetrieverActor.Command> retriever,
    ActorRef<CompressorActor.Command> compressor,
    ActorRef<AnswererActor.Command> answerer,
    ActorRef<BehaviorLibrarian.Command> librarian,
    Duration behaviorTimeout) {
  public StageRefs {
    Objects.requireNonNull(retriever, "retriever");
    Objects.requireNonNull(compressor, "compressor");
    Objects.requireNonNull(answerer, "answerer");
    Objects.requireNonNull(behaviorTimeout, "behaviorTimeout");
    if (behaviorTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "behaviorTimeout must be at least 1 ms, got " + behaviorTimeout);
    }
  }

  /** The stages without a behavior stage. */
  public StageRefs(
      ActorRef<RetrieverActor.Command> retriever,
      ActorRef<CompressorActor.Command> compressor,
      ActorRef<AnswererActor.Command> answerer) {
    this(retriever, compressor, answerer, null, Duration.ofSeconds(1));
  }
}
