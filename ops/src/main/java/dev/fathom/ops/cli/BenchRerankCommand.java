package dev.fathom.ops.cli;

import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.RankerSet;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.rank.RerankBenchmark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fathom bench rerank}: the time each ranker this data directory can run adds per question,
 * at 20 and 50 hybrid candidates, after untimed warm-up questions.
 */
@Command(
    name = "rerank",
    description = {
      "Time every ranker that can run here (none; fusion with a trained model; listwise and",
      "attention with --model) on a dataset's questions at 20 and 50 hybrid candidates:",
      "p50 and p95 ms per question, after untimed warm-up questions.",
      "Default dataset: ../shared/data/squad-dev."
    })
final class BenchRerankCommand implements Callable<Integer> {
  @Mixin DataOption data;
  @Mixin DatasetOption dataset;
  @Mixin RerankOptions ranking;

  @Option(
      names = "--queries",
      paramLabel = "N",
      description = "Questions timed per ranker and size (default: ${DEFAULT-VALUE}).")
  int queries = 100;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "Untimed questions first (default: ${DEFAULT-VALUE}).")
  int warmup = 20;

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  private static final int[] SIZES = {20, 50};

  @Override
  public Integer call() {
    if (queries < 1 || warmup < 0) {
      throw new ErrorHandler.UserError(
          "--queries must be at least 1 and --warmup at least 0, got "
              + queries
              + " and "
              + warmup);
    }
    BeirDataset ds = dataset.load("squad-dev");
    FathomConfig config = data.config();
    List<String> qs =
        ds.queries().stream().map(BeirDataset.Query::text).limit(warmup + queries).toList();
    if (qs.size() <= warmup) {
      throw new ErrorHandler.UserError(
          "the dataset has only " + qs.size() + " questions; lower --warmup");
    }
    List<RerankBenchmark.Row> rows;
    String name = dataset.name().isEmpty() ? "squad-dev" : dataset.name();
    try (LanguageModel model = ranking.openModel(config);
        Workspace ws = new Workspace(config);
        RankingIndex ri = RankingIndex.build(ws, ds, name);
        RankerSet set =
            new RankerSet(
                model,
                ri.data.index(),
                ws.uncachedEmbedder(),
                config.dataDir(),
                ri.data.depth(),
                ri.data.recentSignals(),
                config.attention())) {
      System.err.println(
          "timing "
              + String.join(", ", set.available().stream().map(r -> r.kind().id()).toList())
              + " ...");
      rows = RerankBenchmark.run(qs, ri.data.retriever(), set.available(), SIZES, warmup);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (RerankBenchmark.Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ranker", r.ranker());
      m.put("candidates", r.candidates());
      m.put("questions", r.questions());
      m.put("p50_ms", Math.round(r.p50Millis() * 1000) / 1000.0);
      m.put("p95_ms", Math.round(r.p95Millis() * 1000) / 1000.0);
      m.put("cpu_p50_ms", Math.round(r.cpuP50Millis() * 1000) / 1000.0);
      out.add(m);
    }
    if (json) {
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("machine", BenchCommand.machine());
      all.put("rerank", out);
      System.out.println(Json.write(all));
      return 0;
    }
    System.out.println("machine: " + BenchCommand.machine());
    System.out.printf(
        "%-10s %10s %9s %10s %10s %10s%n",
        "ranker", "candidates", "questions", "p50 ms", "p95 ms", "cpu p50 ms");
    for (RerankBenchmark.Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-10s %10d %9d %10.3f %10.3f %10.3f%n",
          r.ranker(),
          r.candidates(),
          r.questions(),
          r.p50Millis(),
          r.p95Millis(),
          r.cpuP50Millis());
    }
    return 0;
  }
}
