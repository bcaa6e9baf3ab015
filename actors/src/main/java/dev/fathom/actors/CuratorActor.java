package dev.fathom.actors;

import dev.fathom.behaviors.curation.BehaviorCurator;
import dev.fathom.behaviors.trace.Trace;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Adapts a {@link BehaviorCurator} — the paper's reflect → extract → merge pipeline (arXiv
 * 2509.13237 §3) — to messages, off every answer's path. Curation runs two strategist generations
 * per trace, so this actor belongs on {@code fathom.blocking-dispatcher}; one actor is one trace in
 * flight, which is what one strategist model can serve.
 */
public final class CuratorActor extends AbstractBehavior<CuratorActor.Command> {

  public sealed interface Command {}

  /** Curate {@code trace}; replies with what the handbook made of it (never an error reply). */
  public record Curate(Trace trace, ActorRef<StatusReply<BehaviorCurator.Curation>> replyTo)
      implements Command {
    public Curate {
      Objects.requireNonNull(trace, "trace");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  private final BehaviorCurator curator;

  public static Behavior<Command> create(BehaviorCurator curator) {
    Objects.requireNonNull(curator, "curator");
    return Behaviors.setup(context -> new CuratorActor(context, curator));
  }

  private CuratorActor(ActorContext<Command> context, BehaviorCurator curator) {
    super(context);
    this.curator = curator;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Curate.class, this::onCurate).build();
  }

  private Behavior<Command> onCurate(Curate m) {
    StageCall.reply(m.replyTo(), () -> curator.curate(m.trace()));
    return this;
  }
}
