package dev.fathom.ops.cli;

import dev.fathom.answer.Answer;
import dev.fathom.answer.GenerativeAnswerer;
import dev.fathom.behaviors.eval.BehaviorEvaluation;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.compressors.Evidence;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.search.HybridRetriever;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fathom eval behaviors --dataset DIR --model M}: answers a question set with and without
 * the data directory's behavior handbook ({@link BehaviorEvaluation}) and reports completion
 * tokens, answer containment, EM/F1 and how often offered behaviors were cited — the measurement
 * behind the paper's token savings (arXiv 2509.13237 §4), to be run with a model that follows
 * instructions.
 */
@Command(
    name = "behaviors",
    description = {
      "Answer the questions of a BEIR-layout dataset with --model, without and with the behavior",
      "handbook of the data directory; report completion tokens per answer, answer containment,",
      "EM/F1 (where gold answers exist) and the share of offered behaviors the answers cited."
    })
final class EvalBehaviorsCommand implements Callable<Integer> {

  @Mixin DataOption data;
  @Mixin DatasetOption dataset;
  @Mixin EngineOptions engine;
  @Mixin SamplingOptions sampling;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Answer only the first N questions (default: all).")
  Integer limit;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description = "Retrieval mode (default: fathom.retrieval.mode).")
  String mode;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new ErrorHandler.UserError("--limit must be at least 1, got " + limit);
    }
    BeirDataset ds = dataset.load(null);
    List<BeirDataset.Query> queries = ds.queries();
    if (limit != null && queries.size() > limit) queries = queries.subList(0, limit);
    try (LanguageModel model = engine.openAnyModel(data.config());
        Workspace ws = new Workspace(data.config());
        EvalIndex ei = EvalIndex.build(ws, ds)) {
      SearchMode m = mode == null ? ws.config().mode() : SearchMode.parse(mode);
      HybridRetriever retriever =
          new HybridRetriever(ei.index, ws.embedder(), ws.config().retrieval());
      GenerativeAnswerer answerer =
          new GenerativeAnswerer(
              model, new GenerativeAnswerer.Settings(sampling.settings(0f), false, engine.rapid()));
      BehaviorLibrary library = ws.behaviors(model.contextLength()).library();
      int k = ws.config().k();
      Function<BeirDataset.Query, Evidence> evidence =
          q -> ws.compressor().compress(q.text(), retriever.search(q.text(), m, k));
      BehaviorEvaluation.Report report =
          BehaviorEvaluation.run(
              queries,
              q ->
                  answered(
                      answerer.answer(
                          q.text(),
                          evidence.apply(q),
                          BehaviorLibrary.Offer.NONE,
                          TokenListener.NONE)),
              q ->
                  answered(
                      answerer.answer(
                          q.text(),
                          evidence.apply(q),
                          library.offer(q.text(), Set.of()),
                          TokenListener.NONE)));
      print(report, ds.corpus().size());
    }
    return 0;
  }

  private static BehaviorEvaluation.Answered answered(Answer a) {
    return new BehaviorEvaluation.Answered(
        a.text(),
        a.generation().completionTokens(),
        a.behaviors() == null ? List.of() : a.behaviors().offered(),
        a.behaviors() == null ? List.of() : a.behaviors().cited());
  }

  private void print(BehaviorEvaluation.Report r, int documents) {
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("without", arm(r.without()));
      out.put("with", arm(r.with()));
      out.put("token_change", r.tokenChange());
      System.out.println(Json.write(out));
      return;
    }
    System.out.printf(
        "%s: %d documents, %d questions (%d with gold answers)%n",
        dataset.name(), documents, r.without().questions(), r.without().withGold());
    System.out.printf(
        "%-10s %12s %12s %8s %8s %9s %7s %9s%n",
        "arm", "completion", "containment", "EM", "F1", "offered", "cited", "cite rate");
    row("without", r.without());
    row("with", r.with());
    System.out.printf(
        "completion tokens change with the handbook: %+.1f%%%n", 100 * r.tokenChange());
  }

  private static void row(String name, BehaviorEvaluation.Arm a) {
    System.out.printf(
        "%-10s %12.1f %12.4f %8.4f %8.4f %9d %7d %9.4f%n",
        name,
        a.meanCompletionTokens(),
        a.containment(),
        a.exactMatch(),
        a.f1(),
        a.offered(),
        a.cited(),
        a.citationRate());
  }

  private static Map<String, Object> arm(BehaviorEvaluation.Arm a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("questions", a.questions());
    m.put("with_gold", a.withGold());
    m.put("mean_completion_tokens", a.meanCompletionTokens());
    m.put("containment", a.containment());
    m.put("exact_match", a.exactMatch());
    m.put("f1", a.f1());
    m.put("offered", a.offered());
    m.put("cited", a.cited());
    m.put("citation_rate", a.citationRate());
    return m;
  }
}
