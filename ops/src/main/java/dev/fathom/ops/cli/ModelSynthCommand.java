package dev.fathom.ops.cli;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufFormatException;
import dev.fathom.ops.bench.SyntheticLlama;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fathom model synth}: a random-weight llama GGUF of realistic shape, for speed tests. */
@Command(
    name = "synth",
    description = {
      "Write a llama model with random weights (N(0, 0.02^2), norms 1) and a real tokenizer.",
      "Speed does not depend on the weights' values, so these stand in for real models in",
      "benchmarks. tinyllama: dim 2048, ffn 5632, 22 layers, 32 heads, 4 KV heads (1.1B);",
      "small: dim 256, ffn 768, 2 layers, 8 heads, 4 KV heads. The file appears only when",
      "complete."
    })
public final class ModelSynthCommand implements Callable<Integer> {

  static final String DEFAULT_TOKENIZER =
      "../shared/models/tiny-random-llama/llama-2-tiny-random.gguf";

  @Option(
      names = "--shape",
      required = true,
      paramLabel = "SHAPE",
      description = "tinyllama or small.")
  String shape;

  @Option(
      names = "--type",
      required = true,
      paramLabel = "TYPE",
      description =
          "Matrix type: q8_0, q4_0, q4_k, or q4_k_m (q4_k with q6_k where llama.cpp's Q4_K_M"
              + " puts it); norms stay f32.")
  String type;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--tokenizer-from",
      paramLabel = "FILE",
      description =
          "GGUF whose tokenizer.* metadata is copied (default: "
              + DEFAULT_TOKENIZER
              + " under fathom.root or the current directory).")
  Path tokenizerFrom;

  @Parameters(paramLabel = "OUT.gguf", description = "Where to write the model.")
  Path out;

  @Override
  public Integer call() {
    SyntheticLlama model =
        new SyntheticLlama(parseShape(shape), parseType(type), seed, parseMix(type));
    Path tokenizer = tokenizerFrom != null ? tokenizerFrom : defaultTokenizer();
    if (!Files.isRegularFile(tokenizer)) {
      throw new ErrorHandler.UserError(
          "tokenizer source " + tokenizer + " does not exist (give one with --tokenizer-from)");
    }
    Path target = out.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw new ErrorHandler.UserError(target + " is a directory; give a file name");
    }
    long start = System.nanoTime();
    try (GgufFile source = GgufFile.open(tokenizer)) {
      if (!source.metadata().contains("tokenizer.ggml.tokens")) {
        throw new ErrorHandler.UserError(tokenizer + " has no tokenizer.ggml.tokens to copy");
      }
      ProgressBar bar = new ProgressBar("synth");
      int tensors =
          model.writeFile(
              source.metadata(),
              target,
              (done, total) -> bar.update(done / (1 << 20), total / (1 << 20), "MiB"));
      bar.finish();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.err.printf(
          Locale.ROOT,
          "wrote %s: %s %s, %d tensors, %.1f MiB in %.1f s%n",
          target,
          shape,
          type,
          tensors,
          Files.size(target) / 1048576.0,
          seconds);
      return 0;
    } catch (GgufFormatException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  static Path defaultTokenizer() {
    String root = System.getProperty("fathom.root", System.getProperty("fathom.home", "."));
    return Path.of(root).resolve(DEFAULT_TOKENIZER).normalize();
  }

  static SyntheticLlama.Shape parseShape(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "tinyllama" -> SyntheticLlama.Shape.TINYLLAMA;
      case "small" -> SyntheticLlama.Shape.SMALL;
      default ->
          throw new ErrorHandler.UserError(
              "unknown --shape '" + s + "'; choose tinyllama or small");
    };
  }

  static GgmlType parseType(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "q8_0" -> GgmlType.Q8_0;
      case "q4_0" -> GgmlType.Q4_0;
      case "q4_k", "q4_k_m" -> GgmlType.Q4_K;
      default ->
          throw new ErrorHandler.UserError(
              "unknown --type '" + s + "'; choose q8_0, q4_0, q4_k or q4_k_m");
    };
  }

  static SyntheticLlama.Mix parseMix(String s) {
    return s.equalsIgnoreCase("q4_k_m") ? SyntheticLlama.Mix.Q4_K_M : SyntheticLlama.Mix.UNIFORM;
  }
}
