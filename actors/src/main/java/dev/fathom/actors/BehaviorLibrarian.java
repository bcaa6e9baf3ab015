package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.answer.AnswerTraces;
import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.compressors.Evidence;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * The behavior stage: adapts a {@link BehaviorLibrary} (behavior-conditioned inference, arXiv
 * 2509.13237 §4) to messages. Before an answer it offers the handbook's behaviors for the question;
 * after it — off the answer's critical path — it counts the cited behaviors' uses and records the
 * answer's trace. Offering embeds the question and searches Lucene, and recording commits, so this
 * actor belongs on {@code fathom.blocking-dispatcher}.
 */
public final class BehaviorLibrarian extends AbstractBehavior<BehaviorLibrarian.Command> {

  public sealed interface Command {}

  /** Offer behaviors for {@code question}; replies with the offer, or the error. */
  public record Offer(String question, ActorRef<StatusReply<BehaviorLibrary.Offer>> replyTo)
      implements Command {
    public Offer {
      Objects.requireNonNull(question, "question");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The answer to request {@code requestId} was written from {@code evidence} with {@code offer} in
   * its prompt: count the uses of the behaviors it cites and record its trace. No reply.
   */
  public record Record(
      String requestId,
      Evidence evidence,
      BehaviorLibrary.Offer offer,
      Answer answer,
      boolean countUses)
      implements Command {
    public Record {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(evidence, "evidence");
      Objects.requireNonNull(offer, "offer");
      Objects.requireNonNull(answer, "answer");
    }

    /** An answer offered the handbook's behaviors: their uses are counted. */
    public Record(String requestId, Evidence evidence, BehaviorLibrary.Offer offer, Answer answer) {
      this(requestId, evidence, offer, answer, true);
    }
  }

  /**
   * Extract behaviors from the first answer to request {@code requestId} and reply with them as an
   * offer for answering again ({@link BehaviorLibrary.Offer#NONE} when none were extracted);
   * behavior-guided self-improvement (arXiv 2509.13237 §5). The handbook is not changed.
   */
  public record Improve(
      String requestId,
      Evidence evidence,
      Answer first,
      ActorRef<StatusReply<BehaviorLibrary.Offer>> replyTo)
      implements Command {
    public Improve {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(evidence, "evidence");
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  private final BehaviorLibrary library;
  private final TraceSink traces;
  private final Function<Trace, BehaviorLibrary.Offer> improver;

  public static Behavior<Command> create(BehaviorLibrary library, TraceSink traces) {
    return create(library, traces, null);
  }

  /** With {@code improver} for {@link Improve} (null: self-improvement is refused). */
  public static Behavior<Command> create(
      BehaviorLibrary library, TraceSink traces, Function<Trace, BehaviorLibrary.Offer> improver) {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(traces, "traces");
    return Behaviors.setup(context -> new BehaviorLibrarian(context, library, traces, improver));
  }

  private BehaviorLibrarian(
      ActorContext<Command> context,
      BehaviorLibrary library,
      TraceSink traces,
      Function<Trace, BehaviorLibrary.Offer> improver) {
    super(context);
    this.library = library;
    this.traces = traces;
    this.improver = improver;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Offer.class, this::onOffer)
        .onMessage(Record.class, this::onRecord)
        .onMessage(Improve.class, this::onImprove)
        .build();
  }

  private Behavior<Command> onOffer(Offer m) {
    StageCall.reply(m.replyTo(), () -> library.offer(m.question(), Set.of()));
    return this;
  }

  private Behavior<Command> onImprove(Improve m) {
    StageCall.reply(
        m.replyTo(),
        () -> {
          if (improver == null) {
            throw new IllegalStateException("self-improvement needs a strategist model");
          }
          return improver.apply(AnswerTraces.of(m.requestId(), m.evidence(), m.first()));
        });
    return this;
  }

  /** Nobody waits for this: a failure is logged with the request id and the answer stands. */
  private Behavior<Command> onRecord(Record m) {
    try {
      List<dev.fathom.behaviors.handbook.Behavior> updated =
          m.offer().behaviors().isEmpty() || !m.countUses()
              ? List.of()
              : library.recordAnswer(m.offer(), m.answer().text()).updated();
      if (m.answer().generation() != null) {
        traces.record(AnswerTraces.of(m.requestId(), m.evidence(), m.answer()), updated);
      }
    } catch (RuntimeException e) {
      getContext()
          .getLog()
          .warn(
              "request {}: behavior uses and trace not recorded: {}",
              m.requestId(),
              StageCall.describe(e));
    }
    return this;
  }
}
