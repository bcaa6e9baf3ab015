package dev.fathom.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fathom.answer.Answerer;
import dev.fathom.compressors.ContextCompressor;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.retrieval.search.Retriever;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline for callers that do not use actors: starts an actor system around a {@link
 * FathomPipeline} and turns each question into a {@link CompletionStage}.
 *
 * <pre>{@code
 * try (var service = QuestionService.start(retriever, compressor, answerer)) {
 *   QuestionResult result = service.ask(question).toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class QuestionService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QuestionService.class);

  /**
   * Slack over the question timeout before the ask itself gives up: the coordinator always replies
   * within the question timeout, so this only fires when the system is overloaded or shutting down.
   */
  private static final Duration ASK_SLACK = Duration.ofSeconds(5);

  /** How long {@link #close()} waits for the actor system (and running stage calls) to stop. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<FathomPipeline.Command> system;
  private final Duration askTimeout;

  private QuestionService(ActorSystem<FathomPipeline.Command> system, Duration questionTimeout) {
    this.system = system;
    this.askTimeout = questionTimeout.plus(ASK_SLACK);
  }

  /** Starts with the settings in {@code fathom.actors} of the default configuration. */
  public static QuestionService start(
      Retriever retriever, ContextCompressor compressor, Answerer answerer) {
    Config config = ConfigFactory.load();
    return start(retriever, compressor, answerer, PipelineSettings.fromConfig(config), config);
  }

  /** Starts an actor system named {@code fathom} from {@code config}, run with {@code settings}. */
  public static QuestionService start(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings,
      Config config) {
    return start(
        retriever,
        compressor,
        answerer,
        settings,
        Rankers.none(),
        RankingSettings.fromConfig(config),
        null,
        config);
  }

  /** Like the full {@code start}, with rankers and no behavior stage. */
  public static QuestionService start(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings,
      Rankers rankers,
      RankingSettings rankingSettings,
      Config config) {
    return start(retriever, compressor, answerer, settings, rankers, rankingSettings, null, config);
  }

  /** Like the full {@code start}, with a behavior stage and no rankers. */
  public static QuestionService start(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings,
      BehaviorStage behaviors,
      Config config) {
    return start(
        retriever,
        compressor,
        answerer,
        settings,
        Rankers.none(),
        RankingSettings.fromConfig(config),
        behaviors,
        config);
  }

  /**
   * Like {@link #start(Retriever, ContextCompressor, Answerer, PipelineSettings, Config)}, with
   * rankers and a behavior stage ({@code behaviors} null leaves it out).
   */
  public static QuestionService start(
      Retriever retriever,
      ContextCompressor compressor,
      Answerer answerer,
      PipelineSettings settings,
      Rankers rankers,
      RankingSettings rankingSettings,
      BehaviorStage behaviors,
      Config config) {
    Objects.requireNonNull(config, "config");
    ActorSystem<FathomPipeline.Command> system =
        ActorSystem.create(
            FathomPipeline.create(
                retriever, compressor, answerer, settings, rankers, rankingSettings, behaviors),
            "fathom",
            config);
    return new QuestionService(system, settings.questionTimeout());
  }

  /**
   * Answers {@code question}. The stage completes with the pipeline's {@link QuestionResult}; if
   * the pipeline does not reply at all (system overloaded or shut down), with a {@link
   * QuestionResult.Failed} in stage {@code pipeline}. It never completes exceptionally.
   */
  public CompletionStage<QuestionResult> ask(Question question) {
    return ask(question, TokenListener.NONE);
  }

  /**
   * Like {@link #ask(Question)}, handing the answer's text to {@code stream} while it is generated
   * (token by token with a generative answerer; the whole text at once otherwise). The final {@link
   * QuestionResult} still carries the complete answer.
   */
  public CompletionStage<QuestionResult> ask(Question question, TokenListener stream) {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(stream, "stream");
    CompletionStage<QuestionResult> reply =
        AskPattern.ask(
            system,
            replyTo -> new FathomPipeline.Ask(question, stream, replyTo),
            askTimeout,
            system.scheduler());
    return reply.exceptionally(
        e ->
            new QuestionResult.Failed(
                question.requestId(), "pipeline", "no reply from the pipeline: " + e));
  }

  /**
   * The actor system the pipeline runs in, for edges that need one of their own to run on (the HTTP
   * server); they must not terminate it.
   */
  public ActorSystem<?> system() {
    return system;
  }

  /**
   * Terminates the actor system and waits up to 30 s for it; stage calls still running delay it.
   */
  @Override
  public void close() {
    system.terminate();
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "actor system did not terminate within {}; stage calls may still be running",
          CLOSE_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("actor system terminated with an error", e.getCause());
    }
  }
}
