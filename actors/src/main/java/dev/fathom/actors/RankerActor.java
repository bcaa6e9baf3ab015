package dev.fathom.actors;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.Ranking;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Adapts the {@link Rankers} to messages. Ranking blocks (index lookups, a model's prefill or
 * generation), so this actor belongs on {@code fathom.blocking-dispatcher} behind a pool router,
 * whose size caps rankings in flight. A kind that cannot run here (no model loaded) is an error
 * reply naming what is missing; the coordinator then keeps the retrieval order.
 */
public final class RankerActor extends AbstractBehavior<RankerActor.Command> {

  public sealed interface Command {}

  /** Reorder {@code hits} for {@code question} with the {@code kind} ranker. */
  public record Rank(
      String question, List<Hit> hits, RankerKind kind, ActorRef<StatusReply<Ranking>> replyTo)
      implements Command {
    public Rank {
      Objects.requireNonNull(question, "question");
      hits = List.copyOf(Objects.requireNonNull(hits, "hits"));
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  private final Rankers rankers;

  public static Behavior<Command> create(Rankers rankers) {
    Objects.requireNonNull(rankers, "rankers");
    return Behaviors.setup(context -> new RankerActor(context, rankers));
  }

  private RankerActor(ActorContext<Command> context, Rankers rankers) {
    super(context);
    this.rankers = rankers;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Rank.class, this::onRank).build();
  }

  private Behavior<Command> onRank(Rank m) {
    StageCall.reply(m.replyTo(), () -> rankers.get(m.kind()).rank(m.question(), m.hits()));
    return this;
  }
}
