package dev.fathom.ops.cli;

import dev.fathom.compressors.eval.CompressionEvaluation;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.RankerSet;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.index.PassageStore;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.RerankEvaluation;
import dev.fathom.retrieval.search.HybridRetriever;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fathom eval retrieval|compression|conversation|behaviors --dataset DIR}. */
@Command(
    name = "eval",
    description =
        "Evaluate retrieval, compression, conversations or the behavior handbook on a dataset.",
    subcommands = {
      EvalCommand.Retrieval.class,
      EvalCommand.Compression.class,
      ConversationEvalCommand.class,
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
        "for bm25, dense and hybrid (nDCG with linear gain, as trec_eval and BEIR).",
        "With --rerank R, one more row: hybrid's top candidates reordered by ranker R."
      })
  static final class Retrieval implements Callable<Integer> {
    @Mixin DataOption data;
    @Mixin DatasetOption dataset;
    @Mixin RerankOptions ranking;

    @Option(
        names = "--rerank",
        paramLabel = "R",
        description =
            "Add a row for hybrid's top fathom.retrieval.candidates reordered by R: listwise,"
                + " attention (both need --model) or fusion (needs `fathom train ranker`).")
    String rerank;

    @Option(
        names = "--json",
        description =
            "Print {\"bm25\":{...},\"dense\":{...},\"hybrid\":{...}}, with --rerank R also"
                + " \"R\":{...}.")
    boolean json;

    @Option(
        names = "--backend",
        paramLabel = "B",
        description =
            "lucene (default: a temporary embedded index) or solr (a temporary collection on the"
                + " SolrCloud of fathom.index.solr, deleted afterwards; docs/scale-out.md).")
    String backend = "lucene";

    @Option(
        names = "--solr-fusion",
        paramLabel = "F",
        description =
            "With --backend solr, the hybrid fusion: rrf (default, Fathom's), normalised (Solr's"
                + " one-request normalised BM25 + vector score) or both (adds a row"
                + " hybrid-normalised).")
    String solrFusion = "rrf";

    @Override
    public Integer call() {
      boolean solr = SolrBackendOption.solr(backend, rerank);
      String fusion = SolrFusionOption.parse(solrFusion, solr);
      BeirDataset ds = dataset.load(null);
      RankerKind kind = rerank == null ? RankerKind.NONE : RerankOptions.kind(rerank);
      boolean reranking = kind != RankerKind.NONE;
      boolean needsModel = kind == RankerKind.LISTWISE || kind == RankerKind.ATTENTION;
      try {
        RankerSet.check(kind, ranking.hasModelFor(kind), data.config().dataDir());
      } catch (IllegalArgumentException e) {
        throw new ErrorHandler.UserError(e.getMessage());
      }
      // A ranking index keeps what the rankers need (query vectors, the retriever's depth).
      try (LanguageModel model = needsModel ? ranking.openModel(data.config()) : null;
          Workspace ws = new Workspace(data.config());
          EvalIndex ei = reranking || solr ? null : EvalIndex.build(ws, ds);
          SolrEvalIndex se = solr ? SolrEvalIndex.build(ws, ds, dataset.name()) : null;
          RankingIndex ri = reranking ? RankingIndex.build(ws, ds, dataset.name()) : null) {
        PassageStore index = solr ? se.store : reranking ? ri.data.index() : ei.index;
        dev.fathom.retrieval.search.Retriever retriever =
            solr
                ? SolrFusionOption.main(
                    fusion, se.store, ws.uncachedEmbedder(), ws.config().retrieval())
                : new HybridRetriever(index, ws.uncachedEmbedder(), ws.config().retrieval());
        ProgressBar bar = new ProgressBar("query ");
        int total = ds.queries().size();
        Map<SearchMode, Map<String, Double>> results =
            RetrievalEvaluation.evaluate(
                ds, retriever, ws.uncachedEmbedder(), n -> bar.update(n, total, "queries"));
        bar.finish();
        Map<String, Map<String, Double>> byLabel = new LinkedHashMap<>();
        results.forEach((m, v) -> byLabel.put(m.label(), v));
        if (fusion.equals("both")) {
          var normalised =
              SolrFusionOption.normalisedHybridOnly(
                  se.store, ws.uncachedEmbedder(), ws.config().retrieval());
          byLabel.put(
              SolrFusionOption.NORMALISED_ROW,
              RetrievalEvaluation.evaluate(ds, normalised, ws.uncachedEmbedder(), n -> {})
                  .get(SearchMode.HYBRID));
        }
        if (reranking) byLabel.putAll(rerankRow(ws, model, ri, kind));
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

  /** The reranked row, keyed by the ranker's name; its median time per question on stderr. */
  private static Map<String, Map<String, Double>> rerankRow(
      Workspace ws, LanguageModel model, RankingIndex ri, RankerKind kind) {
    try (RankerSet set =
        new RankerSet(
            model,
            ri.data.index(),
            ws.uncachedEmbedder(),
            ws.config().dataDir(),
            ri.data.depth(),
            ri.data.recentSignals(),
            ws.config().attention())) {
      ProgressBar bar = new ProgressBar(kind.id() + " ");
      int total = ri.data.dataset().queries().size();
      RerankEvaluation.Result r =
          RerankEvaluation.run(
              ri.data, RerankOptions.ranker(set, kind), n -> bar.update(n, total, "queries"));
      bar.finish();
      System.err.printf(
          Locale.ROOT,
          "%s reordered hybrid's top %d: p50 %.1f ms, p95 %.1f ms per question%n",
          r.ranker(),
          ri.data.depth(),
          r.p50Millis(),
          r.p95Millis());
      return Map.of(r.ranker(), r.reranked());
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

    @Option(
        names = "--compressor",
        paramLabel = "KIND",
        description =
            "untrained, trained or abstractive (needs --model); default: fathom.compressor.kind.")
    String compressor;

    @Option(
        names = "--model",
        paramLabel = "FILE",
        description = "A GGUF model for --compressor abstractive (the in-JVM engine).")
    java.nio.file.Path model;

    @Override
    public Integer call() {
      BeirDataset ds = dataset.load(null);
      dev.fathom.compressors.CompressorKind kind;
      try {
        kind =
            compressor != null
                ? dev.fathom.compressors.CompressorKind.parse(compressor)
                : dev.fathom.compressors.CompressorKind.parse(
                    data.config().raw().getString("fathom.compressor.kind"));
      } catch (IllegalArgumentException e) {
        throw new ErrorHandler.UserError(e.getMessage());
      }
      if (kind == dev.fathom.compressors.CompressorKind.ABSTRACTIVE && model == null) {
        throw new ErrorHandler.UserError("--compressor abstractive needs --model FILE.gguf");
      }
      EngineOptions engine = new EngineOptions();
      engine.model = model;
      try (dev.fathom.drafters.local.LocalLanguageModel lm =
              model == null ? null : engine.openModel();
          Workspace ws = new Workspace(data.config());
          EvalIndex ei = EvalIndex.build(ws, ds, ws.config().ingest().sentenceVectors())) {
        SearchMode m = mode == null ? ws.config().mode() : SearchMode.parse(mode);
        HybridRetriever retriever =
            new HybridRetriever(ei.index, ws.embedder(), ws.config().retrieval());
        var stored =
            ei.index.sentenceVectors(
                ws.embeddingId(), dev.fathom.retrieval.embed.MiniLmModel.DIMENSION);
        ProgressBar bar = new ProgressBar("query ");
        int total = ds.queries().size();
        Map<String, Double> results =
            CompressionEvaluation.evaluate(
                ds,
                retriever,
                m,
                ws.compressor(kind, lm, stored),
                n -> bar.update(n, total, "queries"));
        bar.finish();
        System.err.printf(
            Locale.ROOT,
            "%s compressor: compress p50 %.1f ms, p95 %.1f ms per question%n",
            kind.id(),
            results.get("compress_ms_p50"),
            results.get("compress_ms_p95"));
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
