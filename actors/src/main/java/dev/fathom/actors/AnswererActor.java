package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.answer.Answerer;
import dev.fathom.compressors.Evidence;
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
   * Compose the answer to {@code question} from {@code evidence}; replies with it, or the error.
   */
  public record Compose(
      String question,
      Evidence evidence,
      AnswerStream stream,
      ActorRef<StatusReply<Answer>> replyTo)
      implements Command {
    public Compose(String question, Evidence evidence, ActorRef<StatusReply<Answer>> replyTo) {
      this(question, evidence, AnswerStream.NONE, replyTo);
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
        m.replyTo(),
        () ->
            m.stream() == AnswerStream.NONE
                ? answerer.answer(m.question(), m.evidence())
                : answerer.answer(m.question(), m.evidence(), m.stream()::text));
    return this;
  }
}
