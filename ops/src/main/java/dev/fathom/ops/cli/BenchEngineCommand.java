package dev.fathom.ops.cli;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.ops.bench.BandwidthProbe;
import dev.fathom.ops.bench.EngineBenchReport;
import dev.fathom.ops.bench.EngineBenchmark;
import dev.fathom.ops.bench.LlamaCppBenchmark;
import dev.fathom.ops.bench.LlamaCppProcess;
import dev.fathom.ops.bench.PhaseTimes;
import dev.fathom.ops.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fathom bench engine}: prefill and decode speed of Fathom's in-JVM engine on one GGUF file,
 * set against this machine's memory bandwidth and, with {@code --vs-llamacpp}, against llama.cpp on
 * the same file.
 */
@Command(
    name = "engine",
    description = {
      "Time Fathom's engine on a GGUF model: prefill of a --prompt-tokens prompt (forward"
          + " passes of at most 256 positions, as in generation), then --decode-tokens greedy tokens one forward pass each (warm-up runs for"
          + " 2 s, at least one, then the median of --runs timed runs). Also measures this machine's memory read bandwidth and reports"
          + " the fraction of the bandwidth bound decoding reaches (decode tok/s × bytes of"
          + " weights per token ÷ bandwidth).",
      "With --vs-llamacpp, runs llama.cpp ("
          + LlamaCppBenchmark.ARTIFACT
          + ") in a separate java process on the same file, prompt tokens, threads and decoded"
          + " tokens; after warm-up of both, the two engines run in alternation (--runs rounds,"
          + " which one goes first alternates) and both medians, their spreads (min–max) and"
          + " the ratio are printed."
    })
final class BenchEngineCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      description = "GGUF model file (llama or qwen2 architecture).")
  Path model;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Compute threads of both engines and the bandwidth probe (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--prompt-tokens",
      paramLabel = "N",
      description = "Tokens in the prefilled prompt (default: ${DEFAULT-VALUE}).")
  int promptTokens = 128;

  @Option(
      names = "--decode-tokens",
      paramLabel = "N",
      description = "Greedy tokens decoded after the prompt (default: ${DEFAULT-VALUE}).")
  int decodeTokens = 64;

  @Option(
      names = "--vs-llamacpp",
      description = "Also run llama.cpp on the same file and print the ratio.")
  boolean vsLlamaCpp;

  @Option(
      names = "--runs",
      paramLabel = "N",
      description =
          "Timed runs per engine after warm-up; medians and spreads are over these (default:"
              + " ${DEFAULT-VALUE}).")
  int runs = EngineBenchmark.TIMED_RUNS;

  @Option(names = "--json", description = "Print the results as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    validate();
    if (!Files.isRegularFile(model)) {
      throw new ErrorHandler.UserError("no model file at " + model);
    }
    BandwidthProbe.Result bandwidth;
    PhaseTimes fathom = null;
    PhaseTimes llamaCpp = null;
    String llamaCppError = null;
    long bytesPerToken;
    int[] prompt;
    try (LlamaEngine engine =
        LlamaEngine.open(model, new EngineSettings(threads, promptTokens + decodeTokens, null))) {
      int positions = engine.model().maxPositions();
      if (promptTokens + decodeTokens > positions) {
        throw new ErrorHandler.UserError(
            "--prompt-tokens + --decode-tokens = "
                + (promptTokens + decodeTokens)
                + " exceeds the model's context of "
                + positions
                + " positions");
      }
      prompt = EngineBenchmark.promptTokens(promptTokens, engine.config().vocabularySize());
      bytesPerToken = engine.model().bytesPerToken();
      progress("measuring memory read bandwidth with " + threads + " threads");
      bandwidth =
          BandwidthProbe.measure(
              BandwidthProbe.DEFAULT_BYTES, threads, BandwidthProbe.DEFAULT_PASSES);
      if (vsLlamaCpp) {
        progress("starting llama.cpp in its own process");
        LlamaCppProcess worker = null;
        try {
          worker = LlamaCppProcess.start(model, threads, prompt, decodeTokens);
        } catch (IllegalStateException e) {
          llamaCppError = e.getMessage();
        }
        if (worker != null) {
          try (LlamaCppProcess w = worker) {
            progress(
                "timing Fathom and llama.cpp: warm-up of each for 2 s (at least one run), then "
                    + runs
                    + " alternating rounds");
            PhaseTimes[] both =
                EngineBenchmark.alternate(
                    promptTokens,
                    decodeTokens,
                    runs,
                    EngineBenchmark.once(engine.newSequence(), prompt, decodeTokens),
                    w::run);
            fathom = both[0];
            llamaCpp = both[1];
          } catch (IllegalStateException e) {
            llamaCppError = e.getMessage();
          }
        }
      }
      if (fathom == null) {
        progress("timing Fathom: warm-up for 2 s (at least one run), then " + runs + " timed runs");
        fathom = EngineBenchmark.run(engine.newSequence(), prompt, decodeTokens, runs);
      }
    }
    EngineBenchReport report =
        new EngineBenchReport(
            model.toString(),
            BenchCommand.machine(),
            threads,
            promptTokens,
            decodeTokens,
            fathom,
            bytesPerToken,
            bandwidth,
            llamaCpp,
            llamaCppError);
    System.out.print(json ? Json.write(report.toJson()) + System.lineSeparator() : report.toText());
    return 0;
  }

  /** Rejects options outside their ranges with a message naming the value and the range. */
  void validate() {
    if (threads < 1 || threads > 256) {
      throw new ErrorHandler.UserError("--threads must be in 1..256, got " + threads);
    }
    if (promptTokens < 1 || promptTokens > 8192) {
      throw new ErrorHandler.UserError("--prompt-tokens must be in 1..8192, got " + promptTokens);
    }
    if (decodeTokens < 1 || decodeTokens > 8192) {
      throw new ErrorHandler.UserError("--decode-tokens must be in 1..8192, got " + decodeTokens);
    }
    if (runs < 1 || runs > 100) {
      throw new ErrorHandler.UserError("--runs must be in 1..100, got " + runs);
    }
  }

  private static void progress(String what) {
    System.err.println("bench engine: " + what + " ...");
  }
}
