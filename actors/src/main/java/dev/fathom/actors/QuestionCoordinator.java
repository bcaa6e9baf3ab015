package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.compressors.Evidence;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.Ranking;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;

/**
 * Sees one question through retrieve → rerank → compress → answer, then replies exactly once and
 * stops.
 *
 * <p>Ranking is optional and never fails a question: when the question asks for a ranker ({@link
 * Question#rerank()}), the ranking stage gets the smaller of its own budget and what is left of the
 * question's; when the ranker fails or runs out of time, the reason is logged and the question goes
 * on with the retrieval order.
 *
 * <p>Each stage is asked with a timeout equal to what is left of the overall budget, and a timer
 * fires when the budget runs out; whichever comes first produces the same "timed out" failure. The
 * coordinator stops as soon as it has replied, so replies arriving later (a slow stage finishing,
 * the timer after a failure) go to dead letters and never reach {@code replyTo}.
 */
public final class QuestionCoordinator extends AbstractBehavior<QuestionCoordinator.Command> {

  /** Only the coordinator's own wrapped replies and timer; nothing outside sends it messages. */
  public sealed interface Command {}

  private record Retrieved(List<Hit> hits) implements Command {}

  private record Ranked(Ranking ranking) implements Command {}

  private record RankFailed(List<Hit> retrieved, Throwable cause) implements Command {}

  private record Compressed(Evidence evidence) implements Command {}

  private record Composed(Answer answer) implements Command {}

  private record StageFailed(String stage, Throwable cause) implements Command {}

  private enum Deadline implements Command {
    INSTANCE
  }

  /** Stage names, also the keys of {@link Answer#timingsMs()}. */
  public static final String RETRIEVE = "retrieve", COMPRESS = "compress", ANSWER = "answer";

  /** The ranking stage's key in {@link Answer#timingsMs()}, present when a ranker was asked. */
  public static final String RERANK = "rerank";

  public static final String TOTAL = "total";

  @SuppressWarnings("unchecked")
  private static final Class<List<Hit>> HITS = (Class<List<Hit>>) (Class<?>) List.class;

  private final Question question;
  private final TokenListener stream;
  private final StageRefs stages;
  private final RankingStage ranking;
  private final Duration timeout;
  private final ActorRef<QuestionResult> replyTo;
  private final long startNanos = System.nanoTime();
  private final Map<String, Long> timingsMs = new LinkedHashMap<>();
  private String stage;
  private long stageStartNanos;

  public static Behavior<Command> create(
      Question question, StageRefs stages, Duration timeout, ActorRef<QuestionResult> replyTo) {
    return create(question, TokenListener.NONE, stages, timeout, replyTo);
  }

  /** Like {@link #create(Question, StageRefs, Duration, ActorRef)}, streaming the answer's text. */
  public static Behavior<Command> create(
      Question question,
      TokenListener stream,
      StageRefs stages,
      Duration timeout,
      ActorRef<QuestionResult> replyTo) {
    return create(question, stream, stages, null, timeout, replyTo);
  }

  /**
   * Like {@link #create(Question, TokenListener, StageRefs, Duration, ActorRef)}, with a ranking
   * stage between retrieval and compression; {@code ranking} null means there is none, and a
   * question asking for a ranker keeps the retrieval order (logged).
   */
  public static Behavior<Command> create(
      Question question,
      TokenListener stream,
      StageRefs stages,
      RankingStage ranking,
      Duration timeout,
      ActorRef<QuestionResult> replyTo) {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(stages, "stages");
    Objects.requireNonNull(replyTo, "replyTo");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 ms, got " + timeout);
    }
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new QuestionCoordinator(
                        context, timers, question, stream, stages, ranking, timeout, replyTo)));
  }

  private QuestionCoordinator(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Question question,
      TokenListener stream,
      StageRefs stages,
      RankingStage ranking,
      Duration timeout,
      ActorRef<QuestionResult> replyTo) {
    super(context);
    this.ranking = ranking;
    this.question = question;
    this.stream = stream;
    this.stages = stages;
    this.timeout = timeout;
    this.replyTo = replyTo;
    timers.startSingleTimer(Deadline.INSTANCE, timeout);
    askStage(
        RETRIEVE,
        stages.retriever(),
        HITS,
        r ->
            new RetrieverActor.Search(
                question.searchQuery(), question.mode(), question.k(), question.asker(), r),
        Retrieved::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Retrieved.class, this::onRetrieved)
        .onMessage(Ranked.class, this::onRanked)
        .onMessage(RankFailed.class, this::onRankFailed)
        .onMessage(Compressed.class, this::onCompressed)
        .onMessage(Composed.class, this::onComposed)
        .onMessage(StageFailed.class, this::onStageFailed)
        .onMessageEquals(Deadline.INSTANCE, this::onDeadline)
        .build();
  }

  private Behavior<Command> onRetrieved(Retrieved m) {
    RankerKind kind = question.rerank();
    if (kind == RankerKind.NONE) return compress(m.hits());
    if (ranking == null) {
      getContext()
          .getLog()
          .warn(
              "{}: {} ranking asked for but this pipeline has no ranking stage;"
                  + " keeping the retrieval order",
              question.requestId(),
              kind.id());
      return compress(m.hits());
    }
    endStage();
    stage = RERANK;
    stageStartNanos = System.nanoTime();
    Duration budget = remaining();
    if (ranking.timeout().compareTo(budget) < 0) budget = ranking.timeout();
    List<Hit> retrieved = m.hits();
    getContext()
        .askWithStatus(
            Ranking.class,
            ranking.ranker(),
            budget,
            r -> new RankerActor.Rank(question.searchQuery(), retrieved, kind, r),
            (result, error) ->
                error == null ? new Ranked(result) : new RankFailed(retrieved, error));
    return this;
  }

  private Behavior<Command> onRanked(Ranked m) {
    getContext().getLog().debug("{}: {}", question.requestId(), m.ranking().explanation());
    return compress(m.ranking().hits());
  }

  /** The ranker failed or ran out of its budget: go on with the retrieval order, saying why. */
  private Behavior<Command> onRankFailed(RankFailed m) {
    String why =
        m.cause() instanceof TimeoutException
            ? "timed out after " + millisSince(stageStartNanos) + " ms"
            : "failed: " + message(m.cause());
    getContext()
        .getLog()
        .warn(
            "{}: {} ranking {}; keeping the retrieval order",
            question.requestId(),
            question.rerank().id(),
            why);
    return compress(m.retrieved());
  }

  private Behavior<Command> compress(List<Hit> hits) {
    return askStage(
        COMPRESS,
        stages.compressor(),
        Evidence.class,
        r -> new CompressorActor.Compress(question.text(), hits, r),
        Compressed::new);
  }

  private Behavior<Command> onCompressed(Compressed m) {
    return askStage(
        ANSWER,
        stages.answerer(),
        Answer.class,
        r -> new AnswererActor.Compose(question.text(), m.evidence(), stream, r),
        Composed::new);
  }

  private Behavior<Command> onComposed(Composed m) {
    return reply(new QuestionResult.Answered(question.requestId(), withTimings(m.answer())));
  }

  private Behavior<Command> onStageFailed(StageFailed m) {
    return reply(m.cause() instanceof TimeoutException ? timedOut() : failed(m.cause()));
  }

  private Behavior<Command> onDeadline() {
    return reply(timedOut());
  }

  /** Ends the current stage's clock, starts {@code name}'s, and asks its actor. */
  private <Req, Res> Behavior<Command> askStage(
      String name,
      RecipientRef<Req> target,
      Class<Res> type,
      Function<ActorRef<StatusReply<Res>>, Req> request,
      Function<Res, Command> wrap) {
    endStage();
    stage = name;
    stageStartNanos = System.nanoTime();
    getContext()
        .askWithStatus(
            type,
            target,
            remaining(),
            request::apply,
            (result, error) -> error == null ? wrap.apply(result) : new StageFailed(name, error));
    return this;
  }

  private void endStage() {
    if (stage != null) {
      timingsMs.put(stage, millisSince(stageStartNanos));
    }
  }

  private Answer withTimings(Answer answer) {
    endStage();
    timingsMs.put(TOTAL, millisSince(startNanos));
    return answer.withTimings(timingsMs);
  }

  private QuestionResult timedOut() {
    return new QuestionResult.Failed(
        question.requestId(),
        stage,
        "timed out after " + timeout.toMillis() + " ms in stage " + stage);
  }

  private QuestionResult failed(Throwable cause) {
    return new QuestionResult.Failed(
        question.requestId(), stage, stage + " failed: " + message(cause));
  }

  private Behavior<Command> reply(QuestionResult result) {
    getContext().getLog().debug("{} -> {}", question.requestId(), result);
    replyTo.tell(result);
    return Behaviors.stopped();
  }

  /** A stage's own error text as it sent it; anything else (a bug here) with its class name. */
  private static String message(Throwable cause) {
    return cause instanceof StatusReply.ErrorMessage
        ? cause.getMessage()
        : StageCall.describe(cause);
  }

  /** What is left of the overall budget; at least 1 ms, since the timer decides the end anyway. */
  private Duration remaining() {
    Duration left = timeout.minusNanos(System.nanoTime() - startNanos);
    return left.toMillis() < 1 ? Duration.ofMillis(1) : left;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
