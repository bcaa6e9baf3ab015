package dev.fathom.ops.cli;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.ops.bench.KvFidelityBenchmark;
import dev.fathom.ops.bench.KvSpeedBenchmark;
import dev.fathom.ops.bench.PasskeyBenchmark;
import dev.fathom.ops.bench.PrefixReuseBenchmark;
import dev.fathom.ops.bench.SessionReuseBenchmark;
import dev.fathom.ops.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fathom bench kv}: what the KV-cache memory buys. With {@code --prefix}, time to first
 * token of a request sharing most of its prompt with the previous one, with and without the prefix
 * cache ({@link PrefixReuseBenchmark}); with {@code --budget}, the fidelity of StreamingLLM
 * eviction against the full cache ({@link KvFidelityBenchmark}). See docs/memory.md.
 */
@Command(
    name = "kv",
    description = {
      "KV-cache memory benchmarks. --prefix: time to first token of a second request whose"
          + " --prompt-tokens prompt shares its first --shared fraction with the first request,"
          + " with the prefix cache and with a full prefill (alternating runs after --warmup"
          + " untimed pairs; medians, min and max of --runs).",
      "--budget F…: the model writes --text-tokens of its own text (seed --seed), reads it back"
          + " with the full KV cache and with each --policy (streaming-llm: --sinks + recent"
          + " window; h2o: heavy hitters + recent window; snapkv: per-head observation-window"
          + " votes; passage: whole sentences by mean attention) at each budget (a fraction of text + --continuation positions), and reports the mean"
          + " KL divergence and top-1 agreement after the first eviction, agreement of"
          + " --continuation greedy tokens, KV bytes kept and decode speed."
    })
final class BenchKvCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "GGUF model.")
  Path model;

  @Option(names = "--prefix", description = "Measure prefix reuse across requests.")
  boolean prefix;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Compute threads (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--prompt-tokens",
      paramLabel = "N",
      description = "Tokens of each prompt (default: ${DEFAULT-VALUE}).")
  int promptTokens = 1024;

  @Option(
      names = "--shared",
      paramLabel = "F",
      description = "Fraction of the prompt both requests share (default: ${DEFAULT-VALUE}).")
  double shared = 0.9;

  @Option(
      names = "--session",
      paramLabel = "N",
      description =
          "Time to first token of turn N of a chat session (same system prompt in every"
              + " conversation, --answer-tokens per answer), with and without the prefix cache.")
  int sessionTurn;

  @Option(
      names = "--answer-tokens",
      paramLabel = "N",
      description =
          "Greedy tokens of each earlier answer with --session (default: ${DEFAULT-VALUE}).")
  int answerTokens = 16;

  @Option(names = "--runs", paramLabel = "N", description = "Timed pairs (default: 7).")
  int runs = 7;

  @Option(names = "--warmup", paramLabel = "N", description = "Untimed pairs (default: 2).")
  int warmup = 2;

  @Option(
      names = "--budget",
      split = ",",
      paramLabel = "F",
      description = "KV budgets as fractions of the context, e.g. 0.25,0.5,0.75.")
  List<Double> budgets = new ArrayList<>();

  @Option(
      names = "--text-tokens",
      paramLabel = "N",
      description = "Self-written text read back (default: ${DEFAULT-VALUE}).")
  int textTokens = 448;

  @Option(
      names = "--continuation",
      paramLabel = "N",
      description = "Greedy tokens compared (default: ${DEFAULT-VALUE}).")
  int continuation = 64;

  @Option(
      names = "--policy",
      split = ",",
      paramLabel = "P",
      description = "Eviction policies: streaming-llm, h2o, snapkv, passage (default: all four).")
  List<String> policies = new ArrayList<>(List.of("streaming-llm", "h2o", "snapkv", "passage"));

  @Option(names = "--sinks", paramLabel = "N", description = "Attention sinks (default: 4).")
  int sinks = 4;

  @Option(
      names = "--passkey",
      paramLabel = "N",
      description =
          "With --budget: also N passkey trials (a name planted at the start of a --text-tokens"
              + " context, picked among --candidates after the cue; budgets are fractions of"
              + " --text-tokens). 0: none (default).")
  int passkeyTrials;

  @Option(
      names = "--candidates",
      paramLabel = "N",
      description = "Names each passkey trial chooses among (default: ${DEFAULT-VALUE}).")
  int candidates = 5;

  @Option(
      names = "--synthetic",
      description =
          "With --budget: speed and memory only, on a synthetic long input of --text-tokens ids"
              + " and --continuation decoded tokens (for random-weight models of realistic shape,"
              + " e.g. fathom model synth --shape tinyllama; no fidelity).")
  boolean synthetic;

  @Option(names = "--seed", paramLabel = "N", description = "Sampling seed (default: 17).")
  long seed = 17;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    validate();
    if (!Files.isRegularFile(model)) {
      throw new ErrorHandler.UserError("no model file at " + model);
    }
    if (!budgets.isEmpty()) {
      return fidelity();
    }
    if (sessionTurn > 0) {
      System.err.println("bench kv: turn " + sessionTurn + " of " + runs + " sessions");
      SessionReuseBenchmark.Result r =
          SessionReuseBenchmark.run(
              model, new EngineSettings(threads, 0, null), sessionTurn, answerTokens, runs);
      System.out.print(json ? Json.write(r.toJson()) + System.lineSeparator() : r.toText());
      return 0;
    }
    try (LlamaEngine engine =
        LlamaEngine.open(model, new EngineSettings(threads, promptTokens, null))) {
      if (engine.model().maxPositions() < promptTokens) {
        throw new ErrorHandler.UserError(
            "--prompt-tokens "
                + promptTokens
                + " exceeds the model's context of "
                + engine.model().maxPositions());
      }
      System.err.println("bench kv: prefix reuse, " + warmup + " warm-up and " + runs + " pairs");
      PrefixReuseBenchmark.Result r =
          PrefixReuseBenchmark.run(engine, promptTokens, shared, warmup, runs);
      System.out.print(json ? Json.write(r.toJson()) + System.lineSeparator() : r.toText());
    }
    return 0;
  }

  private int fidelity() throws IOException {
    int context = textTokens + continuation;
    try (LlamaEngine engine = LlamaEngine.open(model, new EngineSettings(threads, context, null))) {
      if (engine.model().maxPositions() < context) {
        throw new ErrorHandler.UserError(
            "--text-tokens + --continuation = "
                + context
                + " exceeds the model's context of "
                + engine.model().maxPositions());
      }
      int[] b = new int[budgets.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (int) Math.round(budgets.get(i) * context);
      }
      List<KvEvictionPolicy> chosen = new ArrayList<>();
      for (String p : policies) {
        try {
          chosen.add(KvEvictionPolicy.parse(p, sinks));
        } catch (IllegalArgumentException e) {
          throw new ErrorHandler.UserError("--policy: " + e.getMessage());
        }
      }
      for (KvEvictionPolicy p : chosen) {
        for (int i = 0; i < b.length; i++) {
          if (b[i] < p.minBudget() + 1) {
            throw new ErrorHandler.UserError(
                "--budget "
                    + budgets.get(i)
                    + " keeps "
                    + b[i]
                    + " positions; "
                    + p.name()
                    + " needs more than "
                    + p.minBudget());
          }
        }
      }
      if (synthetic) {
        System.err.println("bench kv: speed and memory of " + policies + " at budgets " + budgets);
        List<KvSpeedBenchmark.Row> rows =
            KvSpeedBenchmark.run(engine, textTokens, continuation, b, chosen);
        if (json) {
          List<Map<String, Object>> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.toJson()));
          System.out.println(Json.write(Map.of("synthetic", out)));
        } else {
          rows.forEach(r -> System.out.print(r.toText()));
        }
        return 0;
      }
      System.err.println("bench kv: fidelity of " + policies + " at budgets " + budgets);
      List<KvFidelityBenchmark.Row> rows =
          KvFidelityBenchmark.run(engine, textTokens, continuation, b, chosen, seed);
      List<PasskeyBenchmark.Row> passkey = List.of();
      if (passkeyTrials > 0) {
        int[] pb = new int[budgets.size()];
        for (int i = 0; i < pb.length; i++) {
          pb[i] = (int) Math.round(budgets.get(i) * textTokens);
        }
        System.err.println("bench kv: " + passkeyTrials + " passkey trials");
        passkey =
            PasskeyBenchmark.run(engine, textTokens, passkeyTrials, candidates, pb, chosen, seed);
      }
      if (json) {
        List<Map<String, Object>> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.toJson()));
        List<Map<String, Object>> keys = new ArrayList<>();
        passkey.forEach(r -> keys.add(r.toJson()));
        System.out.println(Json.write(Map.of("rows", out, "passkey", keys)));
      } else {
        rows.forEach(r -> System.out.print(r.toText()));
        passkey.forEach(r -> System.out.print(r.toText()));
      }
    }
    return 0;
  }

  /** Rejects options outside their ranges with a message naming the value and the range. */
  void validate() {
    int modes = (prefix ? 1 : 0) + (budgets.isEmpty() ? 0 : 1) + (sessionTurn != 0 ? 1 : 0);
    if (modes != 1) {
      throw new ErrorHandler.UserError(
          "bench kv needs one mode: --prefix, --budget F[,F…] or --session N");
    }
    if (sessionTurn != 0 && (sessionTurn < 2 || sessionTurn > 100)) {
      throw new ErrorHandler.UserError("--session must be a turn in 2..100, got " + sessionTurn);
    }
    if (answerTokens < 1 || answerTokens > 1000) {
      throw new ErrorHandler.UserError("--answer-tokens must be in 1..1000, got " + answerTokens);
    }
    for (double f : budgets) {
      if (!(f > 0 && f < 1)) {
        throw new ErrorHandler.UserError("--budget fractions must be in (0, 1), got " + f);
      }
    }
    if (textTokens < 2 || continuation < 1 || sinks < 0) {
      throw new ErrorHandler.UserError(
          "--text-tokens must be ≥ 2, --continuation ≥ 1 and --sinks ≥ 0, got "
              + textTokens
              + ", "
              + continuation
              + ", "
              + sinks);
    }
    if (synthetic && (budgets.isEmpty() || passkeyTrials > 0)) {
      throw new ErrorHandler.UserError("--synthetic goes with --budget and without --passkey");
    }
    if (passkeyTrials < 0 || passkeyTrials > 10_000) {
      throw new ErrorHandler.UserError(
          "--passkey must be in 0..10000 trials, got " + passkeyTrials);
    }
    if (candidates < 2 || candidates > PasskeyBenchmark.NAMES.size()) {
      throw new ErrorHandler.UserError(
          "--candidates must be in 2.." + PasskeyBenchmark.NAMES.size() + ", got " + candidates);
    }
    if (threads < 1 || threads > 256) {
      throw new ErrorHandler.UserError("--threads must be in 1..256, got " + threads);
    }
    if (promptTokens < 2 || promptTokens > 8192) {
      throw new ErrorHandler.UserError("--prompt-tokens must be in 2..8192, got " + promptTokens);
    }
    if (!(shared > 0 && shared < 1)) {
      throw new ErrorHandler.UserError("--shared must be in (0, 1), got " + shared);
    }
    if (runs < 1 || runs > 1000) {
      throw new ErrorHandler.UserError("--runs must be in 1..1000, got " + runs);
    }
    if (warmup < 0 || warmup > 1000) {
      throw new ErrorHandler.UserError("--warmup must be in 0..1000, got " + warmup);
    }
  }
}
