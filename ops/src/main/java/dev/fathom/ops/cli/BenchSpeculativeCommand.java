package dev.fathom.ops.cli;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.ops.bench.SpeculativeBenchmark;
import dev.fathom.ops.bench.SpeculativeRow;
import dev.fathom.ops.bench.SpeculativeWorkload;
import dev.fathom.ops.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fathom bench speculative}: RAPID speculative decoding against plain decoding of the
 * target, per η, on long-context prompts the model writes itself ({@link SpeculativeWorkload}).
 */
@Command(
    name = "speculative",
    description = {
      "Time RAPID speculative decoding (arXiv 2502.20330) against plain decoding of the target on"
          + " the same prompts: the target reads a long story the model wrote itself, the drafter"
          + " only the story's last tokens, both then a question. One row per η: acceptance, mean"
          + " accepted drafts per round, decoding tokens/s with and without speculation, and the"
          + " speed-up as the median [quartiles] and range of paired plain/speculative runs"
          + " (prompts × passes pairs). The drafter is the target itself unless --draft-model is"
          + " given. The adaptive gate (default) picks γ up to --gamma and turns speculation off"
          + " when it would be slower, remembering across runs as a server does; --fixed-gamma"
          + " always drafts γ tokens."
    })
final class BenchSpeculativeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "Target GGUF.")
  Path model;

  @Option(
      names = "--draft-model",
      paramLabel = "FILE",
      description = "Drafter GGUF with the same vocabulary (default: the target itself).")
  Path draftModel;

  @Option(
      names = "--etas",
      split = ",",
      paramLabel = "η",
      description = "RAPID's η values, one row each (default: 0,5,10,20).")
  List<Float> etas = new ArrayList<>(List.of(0f, 5f, 10f, 20f));

  @Option(
      names = "--gamma",
      paramLabel = "N",
      description = "Most draft tokens per round (default: ${DEFAULT-VALUE}).")
  int gamma = 10;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description = "Sampling temperature, 0 = greedy (default: ${DEFAULT-VALUE}).")
  float temperature = 0f;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      description = "Tokens decoded per prompt (default: ${DEFAULT-VALUE}).")
  int maxTokens = 64;

  @Option(
      names = "--prompts",
      paramLabel = "N",
      description = "Prompts per row (default: ${DEFAULT-VALUE}).")
  int prompts = 5;

  @Option(
      names = "--long-context",
      paramLabel = "N",
      description = "Story tokens the target reads (default: ${DEFAULT-VALUE}).")
  int longContext = 448;

  @Option(
      names = "--short-context",
      paramLabel = "N",
      description = "Last story tokens the drafter reads (default: ${DEFAULT-VALUE}).")
  int shortContext = 48;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Compute threads (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the stories and samplers (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--passes",
      paramLabel = "N",
      description =
          "Pairs of runs per prompt and row; passes alternate the row order (as given, then"
              + " reversed), so no row always runs first or last (default: ${DEFAULT-VALUE}).")
  int passes = 10;

  @Option(
      names = "--workload",
      paramLabel = "KIND",
      description =
          "stories: the target writes its long contexts itself (slow for a large target); ids: fixed"
              + " token ids, the drafter reading the last --short-context of them (the compressed"
              + " evidence), for long contexts on large or random-weight models (default:"
              + " ${DEFAULT-VALUE}).")
  String workload = "stories";

  @Option(names = "--fixed-gamma", description = "Turn the adaptive gate off: always draft γ.")
  boolean fixedGamma;

  @Option(
      names = "--cold-gate",
      description =
          "Start the gate cold in every speculative run (as a server's first request does) instead"
              + " of from what the row's earlier runs learned.")
  boolean coldGate;

  @Option(names = "--json", description = "Print one JSON object per row, one per line.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    validate();
    EngineSettings engine = EngineSettings.defaults().withThreads(threads);
    try (LocalLanguageModel target = LocalLanguageModel.open(model, engine);
        LocalLanguageModel other =
            draftModel == null ? null : LocalLanguageModel.open(draftModel, engine)) {
      LocalLanguageModel drafter = other == null ? target : other;
      int needed = 1 + longContext + 32 + maxTokens;
      if (needed > target.contextLength()) {
        throw new ErrorHandler.UserError(
            "--long-context "
                + longContext
                + " plus a question and --max-tokens "
                + maxTokens
                + " need about "
                + needed
                + " positions; "
                + target.name()
                + " holds "
                + target.contextLength());
      }
      List<SpeculativeWorkload.Prompt> ps;
      if (workload.equals("ids")) {
        ps =
            SpeculativeWorkload.fromIds(
                prompts,
                longContext,
                shortContext,
                target.engine().config().vocabularySize(),
                seed);
      } else {
        System.err.printf(
            "writing %d stories of %d tokens with %s...%n", prompts, longContext, target.name());
        ps = SpeculativeWorkload.build(target, prompts, longContext, shortContext, seed);
      }
      SpeculativeBenchmark bench =
          new SpeculativeBenchmark(target, drafter, ps, maxTokens, temperature, seed, coldGate);
      RapidSettings base = RapidSettings.DEFAULTS.withGamma(gamma).withAdaptive(!fixedGamma);
      List<RapidSettings> settings = etas.stream().map(base::withEta).toList();
      System.err.printf(
          "warming up for %d s on every row's settings...%n", SpeculativeBenchmark.WARMUP_SECONDS);
      bench.warmUp(settings);
      SpeculativeRow[] rows = bench.measure(settings, passes);
      long[] gc = bench.timedCollections();
      System.err.printf(
          "garbage collections inside timed runs: %d (%d ms); one ran before each prompt's pair%n",
          gc[0], gc[1]);
      if (!json) {
        SpeculativeTable.printHeader(
            target.name(),
            mean(ps, true),
            drafter == target ? "(itself)" : drafter.name(),
            mean(ps, false),
            String.format(
                Locale.ROOT,
                "%d prompts × %d passes × %d tokens, temperature %s, γ ≤ %d, %s",
                prompts,
                passes,
                maxTokens,
                temperature,
                gamma,
                fixedGamma ? "fixed γ" : coldGate ? "adaptive gate, cold" : "adaptive gate"));
      }
      SpeculativeRowJson fields =
          new SpeculativeRowJson(
              prompts,
              passes,
              coldGate,
              workload,
              temperature,
              threads,
              target.name(),
              drafter.name(),
              mean(ps, true),
              mean(ps, false));
      for (SpeculativeRow row : rows) {
        Map<String, Object> m = fields.of(row);
        System.out.println(json ? Json.line(m) : SpeculativeTable.line(m));
      }
    }
    return 0;
  }

  private void validate() {
    if (!Files.isRegularFile(model)) throw new ErrorHandler.UserError("no model file at " + model);
    if (draftModel != null && !Files.isRegularFile(draftModel)) {
      throw new ErrorHandler.UserError("no draft model file at " + draftModel);
    }
    if (etas.isEmpty()) throw new ErrorHandler.UserError("--etas needs at least one value");
    for (float e : etas) {
      if (!(e >= 0f && e <= 1000f)) {
        throw new ErrorHandler.UserError("--etas values must be in 0..1000, got " + e);
      }
    }
    check("--gamma", gamma, 1, 64);
    check("--max-tokens", maxTokens, 1, 100_000);
    check("--prompts", prompts, 1, 1000);
    check("--long-context", longContext, 1, 1_000_000);
    check("--short-context", shortContext, 1, longContext);
    check("--threads", threads, 1, 256);
    check("--passes", passes, 1, 20);
    if (!workload.equals("stories") && !workload.equals("ids")) {
      throw new ErrorHandler.UserError("--workload must be stories or ids, got " + workload);
    }
    if (!(temperature >= 0f && temperature <= 100f)) {
      throw new ErrorHandler.UserError("--temperature must be in 0..100, got " + temperature);
    }
  }

  private static void check(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ErrorHandler.UserError(name + " must be in " + min + ".." + max + ", got " + value);
    }
  }

  static int mean(List<SpeculativeWorkload.Prompt> ps, boolean target) {
    return (int)
        Math.round(
            ps.stream()
                .mapToInt(p -> target ? p.target().length : p.draft().length)
                .average()
                .orElse(0));
  }
}
