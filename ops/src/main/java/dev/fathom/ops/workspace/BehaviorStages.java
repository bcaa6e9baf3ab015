package dev.fathom.ops.workspace;

import dev.fathom.actors.BehaviorStage;
import dev.fathom.answer.AnswerStage;
import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.behaviors.curation.BehaviorCurator;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.behaviors.prompt.BehaviorPrompt;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.ops.config.BehaviorsConfig;
import java.util.List;
import java.util.function.Function;

/**
 * The behavior stage of a generative answer stage (docs/behaviors.md): behaviors from the handbook
 * offered to each question, traces written after each answer, and self-improvement's behaviors
 * extracted from a first answer.
 */
final class BehaviorStages {

  private BehaviorStages() {}

  /**
   * The behavior stage over {@code module} for {@code stage}'s answers, its traces going to {@code
   * traces}, or to the module's trace store when null.
   */
  static BehaviorStage of(
      BehaviorsConfig settings, BehaviorModule module, AnswerStage stage, TraceSink traces) {
    TraceSink sink = traces != null ? traces : (trace, updated) -> module.traces().append(trace);
    return new BehaviorStage(
        module.library(),
        sink,
        settings.parallelism(),
        settings.timeout(),
        improver(module, stage));
  }

  /**
   * Self-improvement's second step: the behaviors the answer model, as strategist, extracts from a
   * first answer's trace, as an offer for answering again (the handbook is not changed).
   */
  private static Function<Trace, BehaviorLibrary.Offer> improver(
      BehaviorModule module, AnswerStage stage) {
    BehaviorCurator curator = module.curator(stage.sharedModel(), GenerationSettings.GREEDY);
    BehaviorPrompt prompt = module.prompt();
    return trace -> {
      List<Behavior> ordered = BehaviorPrompt.promptOrder(curator.propose(trace).behaviors());
      return ordered.isEmpty()
          ? BehaviorLibrary.Offer.NONE
          : new BehaviorLibrary.Offer(ordered, prompt.section(ordered));
    };
  }
}
