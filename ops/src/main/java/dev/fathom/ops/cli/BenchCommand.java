package dev.fathom.ops.cli;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.PassageStore;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.IngestReport;
import dev.fathom.retrieval.ingest.Ingestor;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.search.Retriever;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fathom bench retrieval}: ingest throughput and query latency, measured here and now; and
 * {@code fathom bench serve} ({@link BenchServeCommand}), {@code fathom bench engine} ({@link
 * BenchEngineCommand}) and {@code fathom bench speculative} ({@link BenchSpeculativeCommand}).
 */
@Command(
    name = "bench",
    description = "Benchmarks (not tests): they print what they measure on this machine.",
    subcommands = {
      BenchCommand.Retrieval.class,
      BenchServeCommand.class,
      BenchEngineCommand.class,
      BenchSpeculativeCommand.class,
      BenchRerankCommand.class,
      BenchKvCommand.class
    })
public final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "retrieval",
      description = {
        "Ingest a dataset's corpus as files (parse, chunk, embed, index) and report passages/s;",
        "then time queries in bm25, dense and hybrid mode, with and without the query embedding.",
        "Default dataset: ../shared/data/squad-dev."
      })
  static final class Retrieval implements Callable<Integer> {
    @Mixin DataOption data;
    @Mixin DatasetOption dataset;

    @Option(
        names = "--queries",
        paramLabel = "N",
        description = "Queries timed per mode (default: ${DEFAULT-VALUE}).")
    int queries = 500;

    @Option(
        names = "--warmup",
        paramLabel = "N",
        description = "Untimed queries first (default: ${DEFAULT-VALUE}).")
    int warmup = 100;

    @Option(
        names = "-k",
        paramLabel = "N",
        description = "Passages per query (default: ${DEFAULT-VALUE}).")
    int k = 10;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Option(
        names = "--backend",
        paramLabel = "B",
        description =
            "lucene (default) or solr: ingest into and query a temporary collection on the"
                + " SolrCloud of fathom.index.solr (docs/scale-out.md).")
    String backend = "lucene";

    @Option(
        names = "--solr-fusion",
        paramLabel = "F",
        description =
            "With --backend solr, the hybrid fusion: rrf (default), normalised (Solr's one-request"
                + " hybrid) or both (adds hybrid_ab_ms: the two alternated query by query).")
    String solrFusion = "rrf";

    @Override
    public Integer call() throws IOException {
      boolean solr = SolrBackendOption.solr(backend, null);
      String fusion = SolrFusionOption.parse(solrFusion, solr);
      BeirDataset ds = dataset.load("squad-dev");
      FathomConfig config = data.config();
      Path work = Files.createDirectories(config.dataDir()).resolve("bench-" + System.nanoTime());
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("machine", machine());
      try (Workspace ws = new Workspace(config)) {
        Embedder embedder = ws.uncachedEmbedder();
        Path files = writeCorpus(ds, work.resolve("corpus"));
        try (PassageIndex local =
                PassageIndex.openForWriting(work.resolve("index"), ws.embeddingId());
            SolrEvalIndex remote = solr ? SolrEvalIndex.open(ws, "bench") : null) {
          PassageStore index = solr ? remote.store : local;
          ProgressBar bar = new ProgressBar("ingest");
          IngestReport report =
              new Ingestor(index, embedder, config.ingest(), Set.of())
                  .ingest(
                      List.of(files),
                      new IngestListener() {
                        @Override
                        public void progress(int done, int total, int passages) {
                          bar.update(done, total, passages + " passages");
                        }
                      });
          bar.finish();
          out.put(
              "ingest",
              Map.of(
                  "files",
                  report.files(),
                  "passages",
                  report.passages(),
                  "seconds",
                  round(report.seconds()),
                  "passages_per_second",
                  round(report.passagesPerSecond())));
          Retriever retriever =
              solr
                  ? SolrFusionOption.main(fusion, remote.store, embedder, config.retrieval())
                  : new HybridRetriever(index, embedder, config.retrieval());
          out.put("latency_ms", latencies(ds, retriever, embedder));
          if (fusion.equals("both")) {
            out.put(
                "hybrid_ab_ms",
                alternated(
                    ds,
                    retriever,
                    SolrFusionOption.normalisedHybridOnly(
                        remote.store, embedder, config.retrieval()),
                    embedder));
          }
        }
      } finally {
        TempDirs.delete(work);
      }
      if (json) System.out.println(Json.write(out));
      else printText(out);
      return 0;
    }

    /**
     * Hybrid latency of two retrievers alternated query by query (without embedding), so load on
     * the machine falls on both alike: an A/B comparison, not an absolute figure.
     */
    private Map<String, Object> alternated(
        BeirDataset ds, Retriever rrf, Retriever normalised, Embedder embedder) {
      List<String> qs =
          ds.queries().stream().map(BeirDataset.Query::text).limit(warmup + queries).toList();
      List<float[]> vectors = embedder.embedAll(qs);
      double[] a = new double[Math.max(0, qs.size() - warmup)];
      double[] b = new double[a.length];
      for (int i = 0; i < qs.size(); i++) {
        boolean rrfFirst = i % 2 == 0; // neither always runs on the other's warmed caches
        Retriever first = rrfFirst ? rrf : normalised;
        Retriever second = rrfFirst ? normalised : rrf;
        long t0 = System.nanoTime();
        first.search(qs.get(i), vectors.get(i), SearchMode.HYBRID, k);
        long t1 = System.nanoTime();
        second.search(qs.get(i), vectors.get(i), SearchMode.HYBRID, k);
        long t2 = System.nanoTime();
        if (i >= warmup) {
          (rrfFirst ? a : b)[i - warmup] = (t1 - t0) / 1e6;
          (rrfFirst ? b : a)[i - warmup] = (t2 - t1) / 1e6;
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rrf", Map.of("p50", round(pct(a, 50)), "p95", round(pct(a, 95))));
      out.put("normalised", Map.of("p50", round(pct(b, 50)), "p95", round(pct(b, 95))));
      return out;
    }

    private Map<String, Object> latencies(BeirDataset ds, Retriever retriever, Embedder embedder) {
      List<String> qs =
          ds.queries().stream().map(BeirDataset.Query::text).limit(warmup + queries).toList();
      if (qs.size() <= warmup)
        throw new ErrorHandler.UserError(
            "the dataset has only " + qs.size() + " queries; lower --warmup");
      List<float[]> vectors = embedder.embedAll(qs);
      Map<String, Object> out = new LinkedHashMap<>();
      for (SearchMode mode : SearchMode.values()) {
        double[] with = new double[qs.size() - warmup];
        double[] without = new double[qs.size() - warmup];
        for (int i = 0; i < qs.size(); i++) {
          long t0 = System.nanoTime();
          retriever.search(qs.get(i), vectors.get(i), mode, k);
          long t1 = System.nanoTime();
          retriever.search(qs.get(i), mode, k); // embeds the query (uncached model)
          long t2 = System.nanoTime();
          if (i >= warmup) {
            without[i - warmup] = (t1 - t0) / 1e6;
            with[i - warmup] = (t2 - t1) / 1e6;
          }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
            "without_embedding",
            Map.of("p50", round(pct(without, 50)), "p95", round(pct(without, 95))));
        m.put("with_embedding", Map.of("p50", round(pct(with, 50)), "p95", round(pct(with, 95))));
        out.put(mode.label(), m);
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private void printText(Map<String, Object> out) {
      System.out.println("machine: " + out.get("machine"));
      Map<String, Object> ingest = (Map<String, Object>) out.get("ingest");
      System.out.printf(
          "ingest: %s files, %s passages in %s s = %s passages/s (parse, chunk, embed, index)%n",
          ingest.get("files"),
          ingest.get("passages"),
          ingest.get("seconds"),
          ingest.get("passages_per_second"));
      System.out.printf(
          "query latency in ms, k=%d, %d queries after %d warm-up:%n", k, queries, warmup);
      System.out.printf(
          "%-8s %22s %22s%n", "mode", "without embedding p50/p95", "with embedding p50/p95");
      ((Map<String, Map<String, Map<String, Double>>>) out.get("latency_ms"))
          .forEach(
              (mode, m) ->
                  System.out.printf(
                      "%-8s %14.2f / %6.2f %14.2f / %6.2f%n",
                      mode,
                      m.get("without_embedding").get("p50"),
                      m.get("without_embedding").get("p95"),
                      m.get("with_embedding").get("p50"),
                      m.get("with_embedding").get("p95")));
      if (out.get("hybrid_ab_ms") instanceof Map<?, ?> ab) {
        System.out.println("hybrid on Solr, alternated query by query (ms, without embedding):");
        ab.forEach((fusion, m) -> System.out.printf("%-11s p50/p95 %s%n", fusion, m));
      }
    }
  }

  static String machine() {
    return String.format(
        "%d cores (%s), %s %s, Java %s, %d MiB max heap",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static Path writeCorpus(BeirDataset ds, Path dir) throws IOException {
    Files.createDirectories(dir);
    int i = 0;
    for (BeirDataset.CorpusDoc d : ds.corpus()) {
      if (d.text().isBlank()) continue;
      String name = String.format("%05d.txt", i++);
      Files.writeString(
          dir.resolve(name), d.title() + "\n\n" + d.text() + "\n", StandardCharsets.UTF_8);
    }
    return dir;
  }

  /**
   * The CPU model from /proc/cpuinfo where there is one, so recorded numbers name their machine.
   */
  private static String cpuModel() {
    try (java.util.stream.Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | java.io.UncheckedIOException e) {
      return "unknown CPU";
    }
  }

  static double pct(double[] values, int p) {
    double[] s = values.clone();
    Arrays.sort(s);
    int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, idx))];
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
