package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.compressors.Evidence;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.Ranking;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

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
 * the trace are recorded off the critical path. A question may ask to be answered twice, the second
 * time with behaviors extracted from the first answer ({@link SelfImprovementRound}).
 *
 * <p>Each stage is asked with a timeout equal to what is left of the overall budget, and a timer
 * fires when the budget runs out; whichever comes first produces the same "timed out" failure. The
 * coordinator stops as soon as it has replied, so replies arriving later (a slow stage finishing,
 * the timer after a failure) go to dead letters and never reach {@code replyTo}.
 *
 * <p>This class is the pipeline: its messages and what each reply leads to. Beside it: {@link
 * QuestionRun}, what it is started with; {@link StageAsks}, how a stage is asked and timed on the
 * question's {@link QuestionBudget}; {@link QuestionOutcome}, what the one reply says; {@link
 * FallbackLog}, what is logged when an optional stage is skipped.
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

  /**
   * Stage names, also the keys of {@link Answer#timingsMs()}: the stages a question went through,
   * in order, then {@code total}. {@code rerank} is there when a ranker was asked, {@code
   * behaviors} when the behavior stage was, {@code improve} (extracting behaviors from the first
   * answer) and {@code reanswer} (answering again with them) when the question self-improved.
   */
  public static final String RETRIEVE = "retrieve",
      RERANK = "rerank",
      COMPRESS = "compress",
      BEHAVIORS = "behaviors",
      ANSWER = "answer",
      IMPROVE = "improve",
      REANSWER = "reanswer",
      TOTAL = "total";

  @SuppressWarnings("unchecked")
  private static final Class<List<Hit>> HITS = (Class<List<Hit>>) (Class<?>) List.class;

  private final QuestionRun run;
  private final Question question;
  private final StageRefs stages;
  private final StageAsks<Command> asks;
  private final QuestionOutcome outcome;
  private final FallbackLog fallbacks;
  private final SelfImprovementRound improvement;
  private Evidence evidence;
  private BehaviorLibrary.Offer offer = BehaviorLibrary.Offer.NONE;

  /** A coordinator for {@code run}'s question; it asks the first stage as soon as it starts. */
  public static Behavior<Command> create(QuestionRun run) {
    Objects.requireNonNull(run, "run");
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new QuestionCoordinator(context, timers, run)));
  }

  private QuestionCoordinator(
      ActorContext<Command> context, TimerScheduler<Command> timers, QuestionRun run) {
    super(context);
    // FallbackLog logs on this context too: name the logger now, as Pekko would otherwise name it
    // after whichever class happens to log first.
    context.setLoggerName(QuestionCoordinator.class);
    this.run = run;
    this.question = run.question();
    this.stages = run.stages();
    QuestionBudget budget = new QuestionBudget(run.timeout());
    this.asks = new StageAsks<>(context, budget, StageFailed::new);
    this.outcome = new QuestionOutcome(question, budget, run.relevance());
    this.fallbacks = new FallbackLog(context, question.requestId());
    this.improvement = new SelfImprovementRound(question, stages.librarian());
    timers.startSingleTimer(Deadline.INSTANCE, run.timeout());
    asks.required(
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
    outcome.retrieved(m.hits());
    RankerKind kind = question.rerank();
    if (kind == RankerKind.NONE) return compress(m.hits());
    RankingStage ranking = run.ranking();
    if (ranking == null) {
      fallbacks.noRankingStage(kind);
      return compress(m.hits());
    }
    List<Hit> retrieved = m.hits();
    asks.optional(
        RERANK,
        ranking.timeout(),
        ranking.ranker(),
        Ranking.class,
        r -> new RankerActor.Rank(question.searchQuery(), retrieved, kind, r),
        Ranked::new,
        cause -> new RankFailed(retrieved, cause));
    return this;
  }

  private Behavior<Command> onRanked(Ranked m) {
    getContext().getLog().debug("{}: {}", question.requestId(), m.ranking().explanation());
    return compress(m.ranking().hits());
  }

  /** The ranker failed or ran out of its budget: go on with the retrieval order, saying why. */
  private Behavior<Command> onRankFailed(RankFailed m) {
    fallbacks.rankingFailed(question.rerank(), m.cause(), asks.stageMillis());
    return compress(m.retrieved());
  }

  private Behavior<Command> compress(List<Hit> hits) {
    asks.required(
        COMPRESS,
        stages.compressor(),
        Evidence.class,
        r -> new CompressorActor.Compress(question.text(), hits, r),
        Compressed::new);
    return this;
  }

  private Behavior<Command> onCompressed(Compressed m) {
    evidence = m.evidence();
    if (stages.librarian() == null || evidence.isEmpty()) return answer(ANSWER);
    asks.optional(
        BEHAVIORS,
        stages.behaviorTimeout(),
        stages.librarian(),
        BehaviorLibrary.Offer.class,
        r -> new BehaviorLibrarian.Offer(question.searchQuery(), r),
        Offered::new,
        NotOffered::new);
    return this;
  }

  private Behavior<Command> onOffered(Offered m) {
    offer = m.offer();
    return answer(ANSWER);
  }

  /** The behavior stage failed or was too slow: answer without behaviors, saying why. */
  private Behavior<Command> onNotOffered(NotOffered m) {
    fallbacks.noBehaviors(m.cause(), stages.behaviorTimeout());
    return answer(ANSWER);
  }

  /**
   * Asks the answer stage, as {@code stage}: {@link #ANSWER}, or {@link #REANSWER} when improving.
   */
  private Behavior<Command> answer(String stage) {
    asks.required(
        stage,
        stages.answerer(),
        Answer.class,
        r -> new AnswererActor.Compose(question.text(), evidence, offer, run.stream(), r),
        Composed::new);
    return this;
  }

  private Behavior<Command> onComposed(Composed m) {
    if (improvement.improvesOn(m.answer())) return improve(m.answer());
    improvement.recordReply(evidence, offer, m.answer());
    return reply(outcome.answered(m.answer()));
  }

  /** Asks the behavior stage to extract behaviors from the first answer ({@link #IMPROVE}). */
  private Behavior<Command> improve(Answer first) {
    improvement.begin(first, evidence, offer);
    asks.optional(
        IMPROVE,
        stages.librarian(),
        BehaviorLibrary.Offer.class,
        improvement::request,
        Improved::new,
        NotImproved::new);
    return this;
  }

  private Behavior<Command> onImproved(Improved m) {
    if (m.offer().behaviors().isEmpty()) {
      fallbacks.nothingExtracted();
      return reply(outcome.answered(improvement.firstStands()));
    }
    improvement.traceFirstAside();
    offer = m.offer();
    return answer(REANSWER);
  }

  private Behavior<Command> onNotImproved(NotImproved m) {
    if (m.cause() instanceof TimeoutException) return reply(outcome.timedOut());
    fallbacks.improvementFailed(m.cause());
    return reply(outcome.answered(improvement.firstStands()));
  }

  private Behavior<Command> onStageFailed(StageFailed m) {
    return reply(outcome.failed(m.cause()));
  }

  private Behavior<Command> onDeadline() {
    return reply(outcome.timedOut());
  }

  private Behavior<Command> reply(QuestionResult result) {
    getContext().getLog().debug("{} -> {}", question.requestId(), result);
    run.replyTo().tell(result);
    return Behaviors.stopped();
  }
}
