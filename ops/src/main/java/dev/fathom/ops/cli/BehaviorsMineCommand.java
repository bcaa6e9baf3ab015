package dev.fathom.ops.cli;

import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.behaviors.curation.BehaviorCurator;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.workspace.Workspace;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fathom behaviors mine --model FILE}: the curation pipeline of "Metacognitive Reuse" (arXiv
 * 2509.13237 §3) over the traces of the data directory, off any answer's path: the model reflects
 * on each trace, extracts behaviors, and the handbook adds or merges them.
 */
@Command(
    name = "mine",
    description = {
      "Mine behaviors from the recorded answer traces (<data>/traces) with a language model as"
          + " the strategist: reflect, extract, merge into the handbook.",
      "Every trace is read each time; behaviors mined again merge with the stored ones."
    })
public final class BehaviorsMineCommand implements Callable<Integer> {

  @Mixin DataOption data;
  @Mixin EngineOptions engine;
  @Mixin SamplingOptions sampling;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Mine at most the N most recent traces (default: all).")
  Integer limit;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new ErrorHandler.UserError("--limit must be at least 1, got " + limit);
    }
    try (LanguageModel model = engine.openAnyModel(data.config());
        Workspace ws = new Workspace(data.config())) {
      BehaviorModule module = ws.behaviors(model.contextLength());
      List<Trace> traces = module.traces().readAll();
      if (limit != null && traces.size() > limit) {
        traces = traces.subList(traces.size() - limit, traces.size());
      }
      if (traces.isEmpty()) {
        System.out.println(
            "No traces in " + ws.config().dataDir().resolve("traces") + ": answer with --model.");
        return 0;
      }
      BehaviorCurator curator = module.curator(model, sampling.settings(0f));
      long added = 0, merged = 0;
      for (Trace t : traces) {
        BehaviorCurator.Curation c = curator.curate(t);
        for (Handbook.Change change : c.changes()) {
          System.out.println(t.requestId() + ": " + BehaviorsCommand.describe(change));
          if (change.outcome() == Handbook.Outcome.ADDED) added++;
          else merged++;
        }
        if (c.changes().isEmpty()) {
          String why =
              c.proposal().failure() != null
                  ? c.proposal().failure()
                  : "no behaviors in the strategist's output";
          System.out.println(t.requestId() + ": nothing mined (" + why + ")");
        }
      }
      System.out.printf(
          "mined %d traces: %d behaviors added, %d merged; the handbook has %d%n",
          traces.size(), added, merged, module.handbook().size());
      return 0;
    }
  }
}
