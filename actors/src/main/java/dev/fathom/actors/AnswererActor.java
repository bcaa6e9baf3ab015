package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.answer.Answerer;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.compressors.Evidence;
import dev.fathom.drafters.lm.TokenListener;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Adapts an {@link Answerer} to messages. Composing an answer may run a language model, so this
 * actor belongs on {@code fathom.blocking-dispatcher} behind a pool router.
 */
public final class AnswererActor extends AbstractBehavior<AnswererActor.Command> {

  public sealed interface Command {}

  /**
   * Compose the answer to {@code question} from {@code evidence}, handing its text to {@code
   * stream} as it is written (called on this actor's thread, so it must be quick and thread-safe),
   * with the handbook's {@code offer} in the prompt; replies with the answer, or the error.
   */
  public record Compose(
      String question,
      Evidence evidence,
      BehaviorLibrary.Offer offer,
      TokenListener stream,
      ActorRef<StatusReply<Answer>> replyTo)
      implements Command {
    public Compose {
      Objects.requireNonNull(offer, "offer");
    }

    public Compose(
        String question,
        Evidence evidence,
        TokenListener stream,
        ActorRef<StatusReply<Answer>> replyTo) {
      this(question, evidence, BehaviorLibrary.Offer.NONE, stream, replyTo);
    }

    public Compose(String question, Evidence evidence, ActorRef<StatusReply<Answer>> replyTo) {
      this(question, evidence, TokenListener.NONE, replyTo);
    }
  }

  private final Answerer answerer;

  public static Behavior<Command> create(Answerer answerer) {
    Objects.requireNonNull(answerer, "answerer");
    return Behaviors.setup(context -> new AnswererActor(context, answerer));
  }

  private AnswererActor(ActorContext<Command> context, Answerer answerer) {
    super(context);
    this.answerer = answerer;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Compose.class, this::onCompose).build();
  }

  private Behavior<Command> onCompose(Compose m) {
    StageCall.reply(
        m.replyTo(), () -> answerer.answer(m.question(), m.evidence(), m.offer(), m.stream()));
    return this;
  }
}
