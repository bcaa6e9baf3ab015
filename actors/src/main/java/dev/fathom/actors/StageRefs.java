package dev.fathom.actors;

import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/** The stage actors (routers, in the pipeline) a {@link QuestionCoordinator} asks in turn. */
public record StageRefs(
    ActorRef<RetrieverActor.Command> retriever,
    ActorRef<CompressorActor.Command> compressor,
    ActorRef<AnswererActor.Command> answerer) {
  public StageRefs {
    Objects.requireNonNull(retriever, "retriever");
    Objects.requireNonNull(compressor, "compressor");
    Objects.requireNonNull(answerer, "answerer");
  }
}
