package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.compressors.Evidence;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.Ranking;
import java.time.Duration;
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
 * Sees one question through retrieve → rerank → compress → behaviors → answer, then replies exactly
 * once and stops.
 *
 * <p>Ranking is optional and never fails a question: when the question asks for a ranker ({@link
 * Question#rerank()}), the ranking stage gets the smaller of its own budget and what is left of the
 * question's; when the ranker fails or runs out of time, the reason is logged and the question goes
 * on with the retrieval order.
 *
 * <p>The behavior stage (present when the handbook is on) offers the handbook's behaviors for the
 * question; it is asked with its own short timeout, and when it fails or times out the answer goes
 * ahead without behaviors and the reason is logged: behaviors may improve an answer, never block
 * it. After replying, the coordinator tells the behavior stage what was answered, so use counts and
 * the trace are recorded off the critical path.
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

  private record Offered(BehaviorLibrary.Offer offer) implements Command {}

  private record NotOffered(Throwable cause) implements Command {}

  private record Composed(Answer answer) implements Command {}

  private record Improved(BehaviorLibrary.Offer offer) implements Command {}

  private record NotImproved(Throwable cause) implements Command {}

  private record StageFailed(String stage, Throwable cause) implements Command {}

  private enum Deadline implements Command {
    INSTANCE
  }

  /** Stage names, also the keys of {@link Answer#timingsMs()}. */
  public static final String RETRIEVE = "retrieve", COMPRESS = "compress", ANSWER = "answer";

  /** The ranking stage's key in {@link Answer#timingsMs()}, present when a ranker was asked. */
  public static final String RERANK = "rerank";

  /** The behavior stage's key in {@link Answer#timingsMs()}. */
  public static final String BEHAVIORS = "behaviors";

  /**
   * Self-improvement's keys in {@link Answer#timingsMs()}: extracting behaviors from the first
   * answer, and answering again with them.
   */
  public static final String IMPROVE = "improve", REANSWER = "reanswer";

  /** Suffix of the request id under which a self-improved question's first answer is traced. */
  public static final String FIRST_ANSWER_SUFFIX = "#first";

  public static final String TOTAL = "total";

  @SuppressWarnings("unchecked")
  private static final Class<List<Hit>> HITS = (Class<List<Hit>>) (Class<?>) List.class;

  private final Question question;
  private final TokenListener stream;
  private final StageRefs stages;
  private final RankingStage ranking;
  private final QuestionBudget budget;
  private final ActorRef<QuestionResult> replyTo;
  private Evidence evidence;
  private BehaviorLibrary.Offer offer = BehaviorLibrary.Offer.NONE;
  private Answer firstAnswer; // set while self-improving
  private final RelevanceScale relevanceScale;
  private List<Hit> retrieved = List.of();
  private Map<String, Double> relevance = Map.of();

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
    return create(question, stream, stages, ranking, RelevanceScale.NONE, timeout, replyTo);
  }

  /**
   * Like {@link #create(Question, TokenListener, StageRefs, RankingStage, Duration, ActorRef)},
   * putting the retrieved hits on {@code relevance}'s 0–1 scale so the answer's citations carry the
   * relevance {@code fathom search} shows ({@link Answer#scores()}).
   */
  public static Behavior<Command> create(
      Question question,
      TokenListener stream,
      StageRefs stages,
      RankingStage ranking,
      RelevanceScale relevance,
      Duration timeout,
      ActorRef<QuestionResult> replyTo) {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(relevance, "relevance");
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
                        context, timers, question, stream, stages, ranking, relevance, timeout,
                        replyTo)));
  }

  private QuestionCoordinator(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Question question,
      TokenListener stream,
      StageRefs stages,
      RankingStage ranking,
      RelevanceScale relevanceScale,
      Duration timeout,
      ActorRef<QuestionResult> replyTo) {
    super(context);
    this.ranking = ranking;
    this.relevanceScale = relevanceScale;
    this.question = question;
    this.stream = stream;
    this.stages = stages;
    this.budget = new QuestionBudget(timeout);
    this.replyTo = replyTo;
    timers.startSingleTimer(Deadline.INSTANCE, timeout);
    askStage(
        RETRIEVE,
        stages.retriever(),
        HITS,
        r ->
            new RetrieverActor.Search(
                question.searchQuery(),
                question.mode(),
                question.k(),
                question.asker(),
                question.scope(),
                r),
        Retrieved::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Retrieved.class, this::onRetrieved)
        .onMessage(Ranked.class, this::onRanked)
        .onMessage(RankFailed.class, this::onRankFailed)
        .onMessage(Compressed.class, this::onCompressed)
        .onMessage(Offered.class, this::onOffered)
        .onMessage(NotOffered.class, this::onNotOffered)
        .onMessage(Composed.class, this::onComposed)
        .onMessage(Improved.class, this::onImproved)
        .onMessage(NotImproved.class, this::onNotImproved)
        .onMessage(StageFailed.class, this::onStageFailed)
        .onMessageEquals(Deadline.INSTANCE, this::onDeadline)
        .build();
  }

  private Behavior<Command> onRetrieved(Retrieved m) {
    // The relevance is the retrieval's: a ranker reorders hits, it does not rescore on this scale.
    retrieved = m.hits();
    relevance = relevanceScale.of(m.hits(), question.mode());
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
    budget.begin(RERANK);
    List<Hit> retrieved = m.hits();
    getContext()
        .askWithStatus(
            Ranking.class,
            ranking.ranker(),
            budget.remaining(ranking.timeout()),
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
            ? "timed out after " + budget.stageMillis() + " ms"
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
    evidence = m.evidence();
    if (stages.librarian() == null || evidence.isEmpty()) return askAnswerer();
    budget.begin(BEHAVIORS);
    getContext()
        .askWithStatus(
            BehaviorLibrary.Offer.class,
            stages.librarian(),
            budget.remaining(stages.behaviorTimeout()),
            r -> new BehaviorLibrarian.Offer(question.searchQuery(), r),
            (offered, error) -> error == null ? new Offered(offered) : new NotOffered(error));
    return this;
  }

  private Behavior<Command> onOffered(Offered m) {
    offer = m.offer();
    return askAnswerer();
  }

  private Behavior<Command> onNotOffered(NotOffered m) {
    getContext()
        .getLog()
        .warn(
            "request {}: answering without behaviors, the behavior stage {}",
            question.requestId(),
            m.cause() instanceof TimeoutException
                ? "took longer than " + stages.behaviorTimeout().toMillis() + " ms"
                : "failed: " + message(m.cause()));
    return askAnswerer();
  }

  private Behavior<Command> askAnswerer() {
    return askStage(
        ANSWER,
        stages.answerer(),
        Answer.class,
        r -> new AnswererActor.Compose(question.text(), evidence, offer, stream, r),
        Composed::new);
  }

  private Behavior<Command> onComposed(Composed m) {
    if (firstAnswer == null
        && question.selfImprove()
        && stages.librarian() != null
        && m.answer().generation() != null) {
      return improve(m.answer());
    }
    if (stages.librarian() != null) {
      stages
          .librarian()
          .tell(
              new BehaviorLibrarian.Record(
                  question.requestId(), evidence, offer, m.answer(), firstAnswer == null));
    }
    return reply(new QuestionResult.Answered(question.requestId(), withTimings(m.answer())));
  }

  /**
   * Behavior-guided self-improvement (arXiv 2509.13237 §5): behaviors are extracted from the first
   * answer and the question is answered again with them, the first answer then traced under {@code
   * requestId#first}; without any behaviors, or when extraction fails, the first answer is the
   * reply and is traced under the request id.
   */
  private Behavior<Command> improve(Answer first) {
    firstAnswer = first;
    budget.begin(IMPROVE);
    getContext()
        .askWithStatus(
            BehaviorLibrary.Offer.class,
            stages.librarian(),
            budget.remaining(),
            r -> new BehaviorLibrarian.Improve(question.requestId(), evidence, first, r),
            (improved, error) -> error == null ? new Improved(improved) : new NotImproved(error));
    return this;
  }

  private Behavior<Command> onImproved(Improved m) {
    if (m.offer().behaviors().isEmpty()) {
      getContext()
          .getLog()
          .info(
              "request {}: no behaviors extracted; the first answer stands", question.requestId());
      return firstAnswerStands();
    }
    stages
        .librarian()
        .tell(
            new BehaviorLibrarian.Record(
                question.requestId() + FIRST_ANSWER_SUFFIX, evidence, offer, firstAnswer));
    offer = m.offer();
    return askStage(
        REANSWER,
        stages.answerer(),
        Answer.class,
        r -> new AnswererActor.Compose(question.text(), evidence, offer, stream, r),
        Composed::new);
  }

  private Behavior<Command> onNotImproved(NotImproved m) {
    if (m.cause() instanceof TimeoutException) return reply(timedOut());
    getContext()
        .getLog()
        .warn(
            "request {}: self-improvement failed, the first answer stands: {}",
            question.requestId(),
            message(m.cause()));
    return firstAnswerStands();
  }

  private Behavior<Command> firstAnswerStands() {
    stages
        .librarian()
        .tell(new BehaviorLibrarian.Record(question.requestId(), evidence, offer, firstAnswer));
    return reply(new QuestionResult.Answered(question.requestId(), withTimings(firstAnswer)));
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
    budget.begin(name);
    getContext()
        .askWithStatus(
            type,
            target,
            budget.remaining(),
            request::apply,
            (result, error) -> error == null ? wrap.apply(result) : new StageFailed(name, error));
    return this;
  }

  private Answer withTimings(Answer answer) {
    return answer
        .withTimings(budget.finish())
        .withScores(CitationScores.of(answer.citations(), retrieved, relevance));
  }

  private QuestionResult timedOut() {
    return budget.timedOut(question.requestId());
  }

  private QuestionResult failed(Throwable cause) {
    return budget.failed(question.requestId(), message(cause));
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
}
