package dev.fathom.actors;

import dev.fathom.answer.Answerer;
import dev.fathom.compressors.ContextCompressor;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.retrieval.search.Retriever;
import java.time.Duration;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.Routers;

/**
 * The guardian: owns one pool router per stage and starts a {@link QuestionCoordinator} for every
 * question it is asked.
 *
 * <p>Stage routees run on {@value #BLOCKING_DISPATCHER} so their blocking calls never hold a thread
 * of the default dispatcher; the pool size of each router is the cap on that stage's calls in
 * flight. Coordinators and routers do no blocking work and stay on the default dispatcher.
 */
public final class FathomPipeline extends AbstractBehavior<FathomPipeline.Command> {

  /** Config path of the dispatcher for blocking stage work (see {@code reference.conf}). */
  public static final String BLOCKING_DISPATCHER = "fathom.blocking-dispatcher";

  public sealed interface Command {}

  /** Answer {@code question}; exactly one {@link QuestionResult} goes to {@code replyTo}. */
  public record Ask(Question question, TokenListener stream, ActorRef<QuestionResult> replyTo)
      implements Command {
    public Ask {
      Objects.requireNonNull(question, "question");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(replyTo, "replyTo");
    }

    public Ask(Question question, ActorRef<QuestionResult> replyTo) {
      this(question, TokenListener.NONE, replyTo);
    }
  }

  private final StageRefs stages;
  private final RankingStage ranking;
  private final Duration questionTimeout;
  private final RelevanceScale relevance;
  private long questionsStarted;

  public static Behavior<Command> create(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings) {
    return create(
        retriever,
        compressor,
        answerer,
        settings,
        Rankers.none(),
        RankingSettings.defaults(),
        null);
  }

  /**
   * Like {@link #create(Retriever, ContextCompressor, Answerer, PipelineSettings)}, with a ranking
   * stage of {@code rankers} between retrieval and compression (a router of {@link
   * RankingSettings#parallelism()} {@link RankerActor}s).
   */
  public static Behavior<Command> create(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings,
      Rankers rankers,
      RankingSettings rankingSettings) {
    return create(retriever, compressor, answerer, settings, rankers, rankingSettings, null);
  }

  /**
   * Like {@link #create(Retriever, ContextCompressor, Answerer, PipelineSettings)}, with a behavior
   * stage between compression and answering; {@code behaviors} null leaves it out.
   */
  public static Behavior<Command> create(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings,
      BehaviorStage behaviors) {
    return create(
        retriever,
        compressor,
        answerer,
        settings,
        Rankers.none(),
        RankingSettings.defaults(),
        behaviors);
  }

  /**
   * The pipeline with every optional stage: ranking between retrieval and compression ({@code
   * rankers}), behaviors between compression and answering ({@code behaviors}, null to leave it
   * out).
   */
  public static Behavior<Command> create(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings,
      Rankers rankers,
      RankingSettings rankingSettings,
      BehaviorStage behaviors) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(rankingSettings, "rankingSettings");
    Behavior<RankerActor.Command> rankerStage = RankerActor.create(rankers);
    Behavior<RetrieverActor.Command> retrieverStage = RetrieverActor.create(retriever);
    Behavior<CompressorActor.Command> compressorStage = CompressorActor.create(compressor);
    Behavior<AnswererActor.Command> answererStage = AnswererActor.create(answerer);
    return Behaviors.setup(
        context ->
            new FathomPipeline(
                context,
                new StageRefs(
                    spawnStage(
                        context, "retriever", settings.retrieverParallelism(), retrieverStage),
                    spawnStage(
                        context, "compressor", settings.compressorParallelism(), compressorStage),
                    spawnStage(context, "answerer", settings.answererParallelism(), answererStage),
                    behaviors == null
                        ? null
                        : spawnStage(
                            context,
                            "behaviors",
                            behaviors.parallelism(),
                            BehaviorLibrarian.create(
                                behaviors.library(), behaviors.traces(), behaviors.improver())),
                    behaviors == null ? Duration.ofSeconds(1) : behaviors.timeout()),
                new RankingStage(
                    spawnStage(context, "ranker", rankingSettings.parallelism(), rankerStage),
                    rankingSettings.timeout()),
                retriever::relevance,
                settings.questionTimeout()));
  }

  private FathomPipeline(
      ActorContext<Command> context,
      StageRefs stages,
      RankingStage ranking,
      RelevanceScale relevance,
      Duration questionTimeout) {
    super(context);
    this.stages = stages;
    this.ranking = ranking;
    this.relevance = relevance;
    this.questionTimeout = questionTimeout;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Ask.class, this::onAsk).build();
  }

  private Behavior<Command> onAsk(Ask m) {
    getContext()
        .spawn(
            QuestionCoordinator.create(
                new QuestionRun(m.question(), stages, questionTimeout, m.replyTo())
                    .withStream(m.stream())
                    .withRanking(ranking)
                    .withRelevance(relevance)),
            childName(m.question().requestId()));
    return this;
  }

  /**
   * A router of {@code parallelism} routees of {@code stage}, each on the blocking dispatcher.
   * Ordinary stage failures are replies, not crashes (see {@link StageCall}); anything that does
   * crash a routee restarts it after a backoff (0.2 s doubling to 10 s, with jitter), so a stage
   * that fails on every call cannot spin, and messages meanwhile wait in the routee's stash.
   */
  static <T> ActorRef<T> spawnStage(
      ActorContext<?> context, String name, int parallelism, Behavior<T> stage) {
    Behavior<T> supervised =
        Behaviors.supervise(stage)
            .onFailure(
                Throwable.class,
                SupervisorStrategy.restartWithBackoff(
                    Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    Props onBlockingDispatcher = DispatcherSelector.fromConfig(BLOCKING_DISPATCHER);
    return context.spawn(
        Routers.pool(parallelism, supervised).withRouteeProps(onBlockingDispatcher), name);
  }

  /** Actor names allow few characters: keep a readable prefix of the id, made unique by count. */
  private String childName(String requestId) {
    String readable = requestId.replaceAll("[^A-Za-z0-9_.-]", "_");
    if (readable.length() > 64) {
      readable = readable.substring(0, 64);
    }
    return "question-" + readable + "-" + (++questionsStarted);
  }
}
