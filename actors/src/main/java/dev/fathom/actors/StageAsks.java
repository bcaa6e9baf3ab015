package dev.fathom.actors;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;

/**
 * How a {@link QuestionCoordinator} asks its stages, one at a time, on the question's {@link
 * QuestionBudget}. Every ask ends the previous stage's clock and starts this one's (the answer's
 * {@code timings_ms}), waits at most what is left of the question's budget, and comes back to the
 * coordinator as one of its own messages, reply and error alike — so the coordinator's handlers say
 * only which stage comes next.
 *
 * <p>Two kinds of stage: a <em>required</em> one (retrieve, compress, answer, reanswer) fails the
 * question when it errs or runs out of time; an <em>optional</em> one (rerank, behaviors, improve)
 * hands its error or timeout back as a message of the coordinator's choosing, and the coordinator
 * decides what follows — usually to go on without it. An optional stage may have a budget of its
 * own ({@code cap}), so that a slow ranker cannot eat the time the answer needs.
 *
 * @param <C> the coordinator's protocol
 */
final class StageAsks<C> {

  private final ActorContext<C> context;
  private final QuestionBudget budget;
  private final BiFunction<String, Throwable, C> stageFailed;

  /**
   * Asks on {@code context}'s behalf, spending {@code budget}; {@code stageFailed} wraps a required
   * stage's error (its name, the cause) into the coordinator's message.
   */
  StageAsks(
      ActorContext<C> context,
      QuestionBudget budget,
      BiFunction<String, Throwable, C> stageFailed) {
    this.context = context;
    this.budget = budget;
    this.stageFailed = stageFailed;
  }

  /** Asks a stage the answer cannot do without: its error or timeout fails the question. */
  <Req, Res> void required(
      String stage,
      RecipientRef<Req> target,
      Class<Res> type,
      Function<ActorRef<StatusReply<Res>>, Req> request,
      Function<Res, C> onReply) {
    budget.begin(stage);
    send(
        target,
        type,
        budget.remaining(),
        request,
        onReply,
        cause -> stageFailed.apply(stage, cause));
  }

  /** Asks a stage the answer can do without; its error or timeout becomes {@code onError}'s. */
  <Req, Res> void optional(
      String stage,
      RecipientRef<Req> target,
      Class<Res> type,
      Function<ActorRef<StatusReply<Res>>, Req> request,
      Function<Res, C> onReply,
      Function<Throwable, C> onError) {
    budget.begin(stage);
    send(target, type, budget.remaining(), request, onReply, onError);
  }

  /**
   * Like the other {@code optional}, waiting at most {@code cap} when that is less than is left.
   */
  <Req, Res> void optional(
      String stage,
      Duration cap,
      RecipientRef<Req> target,
      Class<Res> type,
      Function<ActorRef<StatusReply<Res>>, Req> request,
      Function<Res, C> onReply,
      Function<Throwable, C> onError) {
    budget.begin(stage);
    send(target, type, budget.remaining(cap), request, onReply, onError);
  }

  /** Milliseconds the stage asked last has run so far. */
  long stageMillis() {
    return budget.stageMillis();
  }

  private <Req, Res> void send(
      RecipientRef<Req> target,
      Class<Res> type,
      Duration timeout,
      Function<ActorRef<StatusReply<Res>>, Req> request,
      Function<Res, C> onReply,
      Function<Throwable, C> onError) {
    context.askWithStatus(
        type,
        target,
        timeout,
        request::apply,
        (result, error) -> error == null ? onReply.apply(result) : onError.apply(error));
  }
}
