package dev.fathom.ops.cli;

import com.typesafe.config.ConfigFactory;
import dev.fathom.ops.bench.ServeBenchmark;
import dev.fathom.ops.bench.ServeSoak;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.server.FathomServer;
import dev.fathom.ops.server.HttpSettings;
import dev.fathom.ops.server.KafkaSettings;
import dev.fathom.ops.workspace.Workspace;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fathom bench serve}: an embedded broker and a server on a scratch data directory, the same
 * questions in-process, through Kafka and through HTTP, side by side.
 */
@Command(
    name = "serve",
    description = {
      "Start an embedded Kafka broker and a fathom serve in this process on a temporary data"
          + " directory holding a small corpus (Fathom's own docs/ by default), then time the same"
          + " questions in-process, through fathom.questions/fathom.answers and through"
          + " POST /v1/ask: one at a time, then with --concurrency in flight."
    })
final class BenchServeCommand implements Callable<Integer> {

  @Option(
      names = "--questions",
      paramLabel = "N",
      description = "Questions per path and concurrency (default: ${DEFAULT-VALUE}).")
  int questions = 200;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      description = "Questions in flight in the second round (default: ${DEFAULT-VALUE}).")
  int concurrency = 32;

  @Option(
      names = "--corpus",
      paramLabel = "DIR",
      description = "Documents to index (default: docs/ of the Fathom installation).")
  Path corpus;

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  @Option(
      names = "--duration",
      paramLabel = "D",
      description = {
        "Soak instead: hold --concurrency HTTP questions in flight and a document write every",
        "second for D (e.g. 3m, 90s); report questions, errors and resident memory."
      })
  String duration;

  @Override
  public Integer call() throws Exception {
    if (questions < 1 || questions > 100_000) {
      throw new ErrorHandler.UserError("--questions must be in 1..100000, got " + questions);
    }
    if (concurrency < 1 || concurrency > 1024) {
      throw new ErrorHandler.UserError("--concurrency must be in 1..1024, got " + concurrency);
    }
    Path docs =
        corpus != null
            ? corpus
            : Path.of(System.getProperty("fathom.home", ".")).toAbsolutePath().resolve("docs");
    if (!Files.isDirectory(docs)) throw new ErrorHandler.UserError("no corpus folder at " + docs);
    List<String> asked = questionsFrom(docs, questions);
    Path tmp = Files.createTempDirectory("fathom-bench-serve");
    try {
      FathomConfig config = FathomConfig.load().withDataDir(tmp);
      try (Workspace ws = new Workspace(config)) {
        IngestCommand.runIngest(ws, List.of(docs), System.err);
      }
      KafkaSettings kafka =
          KafkaSettings.fromConfig(config.raw()).withBootstrapServers("").withEmbeddedPort(0);
      long t0 = System.nanoTime();
      List<ServeBenchmark.Result> results;
      int passages;
      double readySeconds;
      try (FathomServer server =
          FathomServer.start(config, kafka, HttpSettings.loopback(0), quiet())) {
        while (!server.ready()) {
          if (!server.alive())
            throw new ErrorHandler.UserError("serve stopped: " + server.failure());
          if (System.nanoTime() - t0 > 120_000_000_000L) {
            throw new ErrorHandler.UserError("the server was not ready within 120 s");
          }
          Thread.sleep(50);
        }
        readySeconds = (System.nanoTime() - t0) / 1e9;
        passages = server.passageCount();
        if (duration != null) {
          URI base = URI.create("http://127.0.0.1:" + server.httpPort());
          ServeSoak.Result r =
              new ServeSoak(base, asked, concurrency).run(soakDuration(), Duration.ofSeconds(1));
          printSoak(docs, passages, r);
          return 0;
        }
        results =
            new ServeBenchmark(server, kafka, config.mode(), config.k()).run(asked, concurrency);
      }
      print(docs, passages, readySeconds, results);
    } finally {
      TempDirs.delete(tmp);
    }
    return 0;
  }

  private Duration soakDuration() {
    Duration d;
    try {
      d = ConfigFactory.parseString("d = \"" + duration.strip() + "\"").getDuration("d");
    } catch (RuntimeException e) {
      throw new ErrorHandler.UserError("--duration must be like 90s or 3m, got '" + duration + "'");
    }
    if (d.toSeconds() < 1 || d.toHours() > 24) {
      throw new ErrorHandler.UserError("--duration must be in 1s..24h, got " + duration);
    }
    return d;
  }

  private void printSoak(Path docs, int passages, ServeSoak.Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("machine", BenchCommand.machine());
    out.put("corpus", docs.toString());
    out.put("passages", passages);
    out.put("concurrency", concurrency);
    out.put("seconds", round(r.seconds()));
    out.put("questions", r.questions());
    out.put("questions_per_s", round(r.questions() / r.seconds()));
    out.put("documents", r.documents());
    out.put("errors", r.errors());
    out.put("rss_start_mb", r.rssStartMb());
    out.put("rss_end_mb", r.rssEndMb());
    out.put("rss_peak_mb", r.rssPeakMb());
    out.put("rss_every_minute_mb", r.rssEveryMinuteMb());
    out.put("heap_start_mb", r.heapStartMb());
    out.put("heap_end_mb", r.heapEndMb());
    if (json) {
      System.out.println(Json.write(out));
    } else {
      out.forEach((k, v) -> System.out.println(k + ": " + v));
    }
  }

  private void print(
      Path docs, int passages, double readySeconds, List<ServeBenchmark.Result> results) {
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("machine", BenchCommand.machine());
      out.put("corpus", docs.toString());
      out.put("passages", passages);
      out.put("questions", questions);
      out.put("ready_s", round(readySeconds));
      List<Map<String, Object>> rs = new ArrayList<>();
      for (ServeBenchmark.Result r : results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", r.path());
        m.put("concurrency", r.concurrency());
        m.put("questions_per_s", round(r.questionsPerSecond()));
        m.put("p50_ms", round(r.p50Ms()));
        m.put("p99_ms", round(r.p99Ms()));
        m.put("failed", r.failed());
        rs.add(m);
      }
      out.put("results", rs);
      System.out.println(Json.write(out));
      return;
    }
    System.out.println("machine: " + BenchCommand.machine());
    System.out.printf(
        "corpus: %s (%d passages); %d questions per row; server ready in %.1f s%n",
        docs, passages, questions, readySeconds);
    System.out.printf(
        "%-11s %11s %13s %9s %9s %7s%n",
        "path", "in flight", "questions/s", "p50 ms", "p99 ms", "failed");
    for (ServeBenchmark.Result r : results) {
      System.out.printf(
          "%-11s %11d %13.1f %9.1f %9.1f %7d%n",
          r.path(), r.concurrency(), r.questionsPerSecond(), r.p50Ms(), r.p99Ms(), r.failed());
    }
  }

  /**
   * Distinct sentences of the corpus's Markdown and text files, in file order, used as questions;
   * repeated from the start when the corpus has fewer than {@code n}.
   */
  static List<String> questionsFrom(Path docs, int n) throws IOException {
    Set<String> sentences = new LinkedHashSet<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(docs)) {
      files =
          s.filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".txt"))
              .sorted()
              .toList();
    }
    for (Path f : files) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.isEmpty() || "#|`>-*".indexOf(l.charAt(0)) >= 0) continue;
        for (String sentence : l.split("(?<=[.?!])\\s+")) {
          if (sentence.length() >= 30 && sentence.length() <= 200) sentences.add(sentence);
        }
      }
    }
    if (sentences.isEmpty()) throw new ErrorHandler.UserError("no sentences to ask in " + docs);
    List<String> distinct = new ArrayList<>(sentences);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(distinct.get(i % distinct.size()));
    return out;
  }

  private static PrintStream quiet() {
    return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
