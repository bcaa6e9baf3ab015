package dev.fathom.ops.workspace;

import dev.fathom.actors.BehaviorStage;
import dev.fathom.actors.PipelineSettings;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.AnswerStage;
import dev.fathom.answer.Answerer;
import dev.fathom.answer.ExtractiveAnswerer;
import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.config.BehaviorsConfig;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.rank.RecentSignals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The question side of a {@link Workspace} (docs/architecture.md): the actor pipeline that answers
 * questions, the rankers made for it and for evaluations, and the behavior handbook a generative
 * answer stage consults (docs/behaviors.md). The workspace opens the parts every command shares
 * (indexes, embedder, compressors); this class owns what only answering needs and wires the
 * pipeline's stages from the workspace's parts, so that wiring lives in one place.
 *
 * <p>Not thread-safe by itself: {@link Workspace} calls it only from its own synchronized methods,
 * so lazy creation here runs under the workspace's lock. Closing is the workspace's too: it closes
 * {@link #running()}, {@link #openBehaviors()} and {@link #closeRankers()} first, in that order,
 * then {@link #forget()}s them.
 */
final class QuestionPipeline {

  private final Workspace workspace;
  private final FathomConfig config;

  /** The retriever's BM25 and dense lists, handed to the fusion ranker (docs/ranking.md). */
  private final RecentSignals recentSignals;

  private QuestionService questions;
  private BehaviorModule behaviors;
  private final List<RankerSet> rankerSets = new ArrayList<>();

  QuestionPipeline(Workspace workspace, FathomConfig config, RecentSignals recentSignals) {
    this.workspace = workspace;
    this.config = config;
    this.recentSignals = recentSignals;
  }

  /** The pipeline answering extractively, started on first use unless one is running. */
  QuestionService questions() {
    if (questions == null) {
      questions(new ExtractiveAnswerer(), null, config.pipeline().questionTimeout(), null);
    }
    return questions;
  }

  /**
   * Starts the pipeline with {@code stage}'s answerer; a generative stage gets {@code
   * fathom.ask.model-question-timeout} per question and, with the handbook on ({@code
   * fathom.behaviors.enabled}), the behavior stage, its traces going to {@code traces}, or to the
   * data directory's trace store when null.
   */
  QuestionService questions(AnswerStage stage, TraceSink traces) {
    BehaviorsConfig b = BehaviorsConfig.from(config.raw());
    BehaviorStage behaviorStage =
        stage.generative() && b.enabled()
            ? BehaviorStages.of(b, behaviors(stage.sharedModel().contextLength()), stage, traces)
            : null;
    return questions(
        stage.answerer(),
        stage.answerModel(),
        stage.generative() ? config.modelQuestionTimeout() : config.pipeline().questionTimeout(),
        behaviorStage);
  }

  /** The behavior handbook and traces, opened on first use for {@code contextTokens} of context. */
  BehaviorModule behaviors(int contextTokens) {
    if (behaviors == null) {
      behaviors =
          BehaviorModule.open(
              BehaviorsConfig.from(config.raw()).module(config.dataDir(), contextTokens),
              workspace.embedder());
    }
    return behaviors;
  }

  private QuestionService questions(
      Answerer answerer, LanguageModel model, Duration timeout, BehaviorStage behaviorStage) {
    if (questions != null) {
      throw new IllegalStateException("the question pipeline of this workspace is already running");
    }
    PipelineSettings p = config.pipeline();
    PipelineSettings settings =
        new PipelineSettings(
            p.retrieverParallelism(), p.compressorParallelism(), p.answererParallelism(), timeout);
    questions =
        QuestionService.start(
            workspace.retriever(),
            workspace.configuredCompressor(),
            answerer,
            settings,
            rankers(model).rankers(),
            config.ranking(),
            behaviorStage,
            config.raw());
    return questions;
  }

  /**
   * A new set of rankers over the workspace's index and {@code model} (null: none loaded), kept to
   * be closed with the workspace.
   */
  RankerSet rankers(LanguageModel model) {
    RankerSet set =
        new RankerSet(
            model,
            // fusion ranking reads the embedded index
            workspace.backend().solr() ? null : workspace.readIndex(),
            workspace.embedder(),
            config.dataDir(),
            config.retrieval().candidates(),
            recentSignals,
            config.attention());
    rankerSets.add(set);
    return set;
  }

  /** The running pipeline, or null when none was started. */
  QuestionService running() {
    return questions;
  }

  /** The behavior module, or null when none was opened. */
  BehaviorModule openBehaviors() {
    return behaviors;
  }

  /** Closes every ranker set made so far and forgets them. */
  void closeRankers() {
    rankerSets.forEach(RankerSet::close);
    rankerSets.clear();
  }

  /** Forgets the pipeline and the behavior module once closed, so later use starts them again. */
  void forget() {
    questions = null;
    behaviors = null;
  }
}
