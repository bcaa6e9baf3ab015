package dev.fathom.ops.cli;

import dev.fathom.drafters.lm.GenerationSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How {@code generate} and {@code ask --model} pick tokens; defaults are llama.cpp's, except that
 * each command chooses its own default temperature (see docs/engine.md).
 */
public final class SamplingOptions {

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description = "Softmax temperature; 0 is greedy (default: 0.8 for generate, 0 for ask).")
  Float temperature;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "40",
      description = "Keep the K most likely tokens; 0 keeps all (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "0.95",
      description =
          "Nucleus sampling: keep tokens up to probability P; 1 is off (default: ${DEFAULT-VALUE}).")
  float topP;

  @Option(
      names = "--min-p",
      paramLabel = "M",
      defaultValue = "0.05",
      description =
          "Drop tokens below M times the top probability; 0 is off (default: ${DEFAULT-VALUE}).")
  float minP;

  @Option(
      names = "--repeat-penalty",
      paramLabel = "R",
      defaultValue = "1.0",
      description = "Penalty on the last 64 tokens; 1 is off (default: ${DEFAULT-VALUE}).")
  float repeatPenalty;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "256",
      description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description = "Seed of the sampler, so runs repeat (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--stop",
      paramLabel = "STR",
      description = "Stop before this text; may be repeated.")
  List<String> stop = new ArrayList<>();

  /** The settings; {@code defaultTemperature} where {@code --temperature} was not given. */
  GenerationSettings settings(float defaultTemperature) {
    return new GenerationSettings(
        maxTokens,
        temperature == null ? defaultTemperature : temperature,
        topK,
        topP,
        minP,
        repeatPenalty,
        64,
        seed,
        stop);
  }
}
