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
import java.util.ArrayList;
import java.util.List;
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
          + " 2 s, at least one, then the median of --runs timed runs). Before each row it also measures this machine's memory read"
          + " bandwidth (in a process of its own) and reports the fraction of the bandwidth bound"
          + " decoding reaches (decode tok/s × bytes of weights per token ÷ bandwidth).",
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
      description =
          "GGUF model file (llama or qwen2 architecture); repeat it to time several files in one"
              + " run.")
  List<Path> models;

  @Option(
      names = "--threads",
      split = ",",
      paramLabel = "N",
      description =
          "Compute threads of both engines and the bandwidth probe; a list (1,2) times each"
              + " (default: all cores).")
  List<Integer> threads = new ArrayList<>(List.of(Runtime.getRuntime().availableProcessors()));

  @Option(
      names = "--prompt-tokens",
      split = ",",
      paramLabel = "N",
      description =
          "Tokens in the prefilled prompt; a list (128,512) times each (default: ${DEFAULT-VALUE}).")
  List<Integer> promptTokens = new ArrayList<>(List.of(128));

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

  @Option(
      names = "--json",
      description = "Print the results as JSON, one object per row (file, threads, prompt length).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    validate();
    for (Path model : models) {
      if (!Files.isRegularFile(model)) {
        throw new ErrorHandler.UserError("no model file at " + model);
      }
    }
    int longest = promptTokens.stream().mapToInt(Integer::intValue).max().orElseThrow();
    for (Path model : models) {
      for (int t : threads) {
        try (LlamaEngine engine =
            LlamaEngine.open(model, new EngineSettings(t, longest + decodeTokens, null))) {
          int positions = engine.model().maxPositions();
          if (longest + decodeTokens > positions) {
            throw new ErrorHandler.UserError(
                "--prompt-tokens + --decode-tokens = "
                    + (longest + decodeTokens)
                    + " exceeds the context of "
                    + model
                    + ", "
                    + positions
                    + " positions");
          }
          for (int p : promptTokens) {
            // before every row, not once per model: this VM's read rate moved by up to half from
            // one minute to the next (docs/performance.md, "A bandwidth probe that bounds")
            progress("measuring memory read bandwidth with " + t + " threads");
            BandwidthProbe.Result bandwidth =
                BandwidthProbe.measureInOwnProcess(
                    BandwidthProbe.DEFAULT_BYTES, t, BandwidthProbe.DEFAULT_PASSES);
            EngineBenchReport report = measure(model, engine, t, p, bandwidth);
            System.out.print(
                json ? Json.write(report.toJson()) + System.lineSeparator() : report.toText());
            System.out.flush();
          }
        }
      }
    }
    return 0;
  }

  /** One row: {@code model} with {@code t} threads and a prompt of {@code p} tokens. */
  private EngineBenchReport measure(
      Path model, LlamaEngine engine, int t, int p, BandwidthProbe.Result bandwidth) {
    int[] prompt = EngineBenchmark.promptTokens(p, engine.config().vocabularySize());
    PhaseTimes fathom = null;
    PhaseTimes llamaCpp = null;
    String llamaCppError = null;
    String row = model.getFileName() + ", " + t + " threads, " + p + "-token prompt";
    if (vsLlamaCpp) {
      progress("starting llama.cpp in its own process (" + row + ")");
      LlamaCppProcess worker = null;
      try {
        worker = LlamaCppProcess.start(model, t, prompt, decodeTokens);
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
                  p,
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
      progress("timing Fathom (" + row + "): warm-up for 2 s, then " + runs + " timed runs");
      fathom = EngineBenchmark.run(engine.newSequence(), prompt, decodeTokens, runs);
    }
    return new EngineBenchReport(
        model.toString(),
        BenchCommand.machine(),
        t,
        p,
        decodeTokens,
        fathom,
        engine.model().bytesPerToken(),
        bandwidth,
        llamaCpp,
        llamaCppError);
  }

  /** Rejects options outside their ranges with a message naming the value and the range. */
  void validate() {
    for (int t : threads) {
      if (t < 1 || t > 256) {
        throw new ErrorHandler.UserError("--threads must be in 1..256, got " + t);
      }
    }
    for (int p : promptTokens) {
      if (p < 1 || p > 8192) {
        throw new ErrorHandler.UserError("--prompt-tokens must be in 1..8192, got " + p);
      }
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
