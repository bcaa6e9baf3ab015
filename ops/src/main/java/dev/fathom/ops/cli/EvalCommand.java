package dev.fathom.ops.cli;

import dev.fathom.compressors.eval.CompressionEvaluation;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.search.HybridRetriever;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fathom eval retrieval|compression|behaviors --dataset DIR}. */
@Command(
    name = "eval",
    description =
        "Evaluate retrieval, compression or the behavior handbook on a BEIR-layout dataset.",
    subcommands = {
      EvalCommand.Retrieval.class,
      EvalCommand.Compression.class,
      EvalBehaviorsCommand.class
    })
public final class EvalCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "retrieval",
      description = {
        "Index the corpus in a temporary index; report ndcg@10, mrr@10, recall@5/10/100",
        "for bm25, dense and hybrid (nDCG with linear gain, as trec_eval and BEIR)."
      })
  static final class Retrieval implements Callable<Integer> {
    @Mixin DataOption data;
    @Mixin DatasetOption dataset;

    @Option(
        names = "--json",
        description = "Print {\"bm25\":{...},\"dense\":{...},\"hybrid\":{...}}.")
    boolean json;

    @Override
    public Integer call() {
      BeirDataset ds = dataset.load(null);
      try (Workspace ws = new Workspace(data.config());
          EvalIndex ei = EvalIndex.build(ws, ds)) {
        HybridRetriever retriever =
            new HybridRetriever(ei.index, ws.uncachedEmbedder(), ws.config().retrieval());
        ProgressBar bar = new ProgressBar("query ");
        int total = ds.queries().size();
        Map<SearchMode, Map<String, Double>> results =
            RetrievalEvaluation.evaluate(
                ds, retriever, ws.uncachedEmbedder(), n -> bar.update(n, total, "queries"));
        bar.finish();
        Map<String, Map<String, Double>> byLabel = new LinkedHashMap<>();
        results.forEach((m, v) -> byLabel.put(m.label(), v));
        if (json) {
          System.out.println(Json.write(byLabel));
        } else {
          System.out.printf(
              "%s: %d documents, %d queries%n", dataset.name(), ds.corpus().size(), total);
          System.out.printf("%-8s", "mode");
          for (String metric : RetrievalEvaluation.METRICS) System.out.printf("%11s", metric);
          System.out.println();
          byLabel.forEach(
              (mode, metrics) -> {
                System.out.printf("%-8s", mode);
                metrics.values().forEach(v -> System.out.printf("%11.4f", v));
                System.out.println();
              });
        }
      }
      return 0;
    }
  }

  @Command(
      name = "compression",
      description = {
        "For each query with gold answers: retrieve the top 5, compress, and report how often",
        "a gold answer survives and how many tokens are kept."
      })
  static final class Compression implements Callable<Integer> {
    @Mixin DataOption data;
    @Mixin DatasetOption dataset;

    @Option(names = "--json", description = "Print the metrics as JSON.")
    boolean json;

    @Option(
        names = "--mode",
        paramLabel = "MODE",
        description = "Retrieval mode (default: fathom.retrieval.mode).")
    String mode;

    @Override
    public Integer call() {
      BeirDataset ds = dataset.load(null);
      try (Workspace ws = new Workspace(data.config());
          EvalIndex ei = EvalIndex.build(ws, ds)) {
        SearchMode m = mode == null ? ws.config().mode() : SearchMode.parse(mode);
        HybridRetriever retriever =
            new HybridRetriever(ei.index, ws.embedder(), ws.config().retrieval());
        ProgressBar bar = new ProgressBar("query ");
        int total = ds.queries().size();
        Map<String, Double> results =
            CompressionEvaluation.evaluate(
                ds, retriever, m, ws.compressor(), n -> bar.update(n, total, "queries"));
        bar.finish();
        if (json) {
          System.out.println(Json.write(results));
        } else {
          System.out.printf(
              "%s: %d documents, %.0f queries with answers, %s retrieval%n",
              dataset.name(), ds.corpus().size(), results.get("queries"), m.label());
          results.forEach(
              (k, v) -> {
                if (!k.equals("queries")) System.out.printf("%-26s %10.4f%n", k, v);
              });
        }
      }
      return 0;
    }
  }
}
