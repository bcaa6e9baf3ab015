package dev.fathom.ops.cli;

import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.gguf.GgufFormatException;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.KvEvictionSettings;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.config.LlmConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which GGUF model runs, how, and whether a drafter speculates for it (RAPID). */
public final class EngineOptions {

  @Option(names = "--model", paramLabel = "FILE", description = "A GGUF model file.")
  Path model;

  @Option(
      names = "--draft-model",
      paramLabel = "FILE",
      description =
          "A smaller (or larger) GGUF model with the same tokenizer that drafts tokens for"
              + " --model; implies --speculate.")
  Path draftModel;

  @Option(
      names = "--speculate",
      description =
          "Speculative decoding (RAPID); without --draft-model the model drafts for itself.")
  boolean speculate;

  @Option(
      names = "--eta",
      paramLabel = "E",
      defaultValue = "0",
      description =
          "RAPID's η: how far the target is pulled toward the drafter; 0 is lossless"
              + " (default: ${DEFAULT-VALUE}).")
  float eta;

  @Option(
      names = "--gamma",
      paramLabel = "G",
      defaultValue = "10",
      description = "Most draft tokens per round (default: ${DEFAULT-VALUE}).")
  int gamma;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Compute threads (default: the number of processors).")
  Integer threads;

  @Option(
      names = "--context",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Context positions; 0 means the model's own, capped at 8192 (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(
      names = "--chat-template",
      paramLabel = "NAME",
      description =
          "Force a chat template: llama3, chatml, llama2 or mistral (default: from the file).")
  String chatTemplate;

  @Option(
      names = "--llm",
      paramLabel = "URL",
      description =
          "Write answers with the model on an OpenAI-compatible server (Ollama, vLLM, llama.cpp"
              + " server), e.g. http://127.0.0.1:11434/v1; model id, API key, timeout and retries"
              + " from fathom.llm.* (default: fathom.llm.url, blank = none).")
  String llm;

  boolean speculating() {
    return speculate || draftModel != null;
  }

  RapidSettings rapid() {
    return RapidSettings.DEFAULTS.withEta(eta).withGamma(gamma);
  }

  @Option(
      names = "--kv-eviction",
      paramLabel = "POLICY",
      description =
          "KV eviction of requests longer than --kv-budget positions: streaming-llm, h2o, snapkv"
              + " or passage (docs/memory.md; default: none, or -Dfathom.engine.kv-eviction).")
  String kvEviction;

  @Option(
      names = "--kv-budget",
      paramLabel = "N",
      description = "Most KV positions a request keeps under --kv-eviction.")
  Integer kvBudget;

  EngineSettings engine() {
    return new EngineSettings(
        threads == null ? Runtime.getRuntime().availableProcessors() : threads,
        context,
        chatTemplate,
        kvEvictionSettings());
  }

  /** The model's KV eviction from --kv-eviction and --kv-budget, or null without them. */
  KvEvictionSettings kvEvictionSettings() {
    if (kvEviction == null && kvBudget == null) return null;
    if (kvEviction == null || kvBudget == null) {
      throw new ErrorHandler.UserError("--kv-eviction and --kv-budget go together");
    }
    try {
      return new KvEvictionSettings(
          KvEvictionPolicy.parse(kvEviction, KvEvictionSettings.SINKS), kvBudget);
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError("--kv-eviction/--kv-budget: " + e.getMessage());
    }
  }

  /** Whether {@code --model} or {@code --draft-model} asks for a language model. */
  boolean generative() {
    return model != null || draftModel != null;
  }

  /**
   * The answer stage these options describe ({@code ask} and {@code serve}): extractive without
   * {@code --model}, generative with {@code generation} otherwise.
   */
  AnswerStage.Settings answerStage(GenerationSettings generation) {
    if (!generative()) return AnswerStage.Settings.extractive();
    if (model == null) throw new ErrorHandler.UserError("--model FILE.gguf is required");
    return new AnswerStage.Settings(model, draftModel, speculate, engine(), generation, rapid());
  }

  /**
   * Opens the answer stage: the GGUF model of {@code --model}; else the model server of {@code
   * --llm} or {@code fathom.llm.url}; else the extractive answerer.
   */
  AnswerStage openStage(FathomConfig config, GenerationSettings generation) {
    if (generative()) {
      if (llm != null) {
        throw new ErrorHandler.UserError(
            "--model and --llm both choose the model that answers: give one of them");
      }
      try {
        return AnswerStage.open(answerStage(generation));
      } catch (IllegalArgumentException e) {
        throw new ErrorHandler.UserError(e.getMessage());
      }
    }
    LlmConfig server = llmConfig(config);
    return server.configured()
        ? AnswerStage.remote(server.open(), generation)
        : AnswerStage.extractive();
  }

  /** {@code fathom.llm.*} with {@code --llm} applied; its errors are one-line user errors. */
  LlmConfig llmConfig(FathomConfig config) {
    try {
      LlmConfig c = LlmConfig.from(config.raw());
      if (llm != null) {
        if (llm.isBlank()) throw new IllegalArgumentException("--llm needs a URL, got ''");
        c = c.withUrl(llm);
        c.settings(c.url(), java.util.Map.of()); // a bad URL fails here, before anything starts
      }
      return c;
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
  }

  /** Whether a model writes answers: {@code --model}, {@code --llm} or {@code fathom.llm.url}. */
  boolean answersWithModel(FathomConfig config) {
    return generative() || llmConfig(config).configured();
  }

  /**
   * Opens {@code --model}, else the model server of {@code --llm} or {@code fathom.llm.url} (for
   * the commands that only call a model: behavior mining and evaluation).
   */
  dev.fathom.drafters.lm.LanguageModel openAnyModel(FathomConfig config) {
    if (!generative()) {
      LlmConfig server = llmConfig(config);
      if (server.configured()) return server.open();
      throw new ErrorHandler.UserError(
          "a language model is required: --model FILE.gguf or --llm URL");
    } else if (llm != null) {
      throw new ErrorHandler.UserError("--model and --llm both choose the model: give one of them");
    }
    return openModel();
  }

  /** Opens {@code --model}; bad files become one-line errors naming them. */
  LocalLanguageModel openModel() {
    if (llm != null) {
      throw new ErrorHandler.UserError(
          "--llm is not for this command: it runs the in-JVM engine on --model FILE.gguf");
    }
    if (model == null) {
      throw new ErrorHandler.UserError("--model FILE.gguf is required");
    }
    return open(model);
  }

  /** Opens {@code --draft-model}, or returns {@code target} itself for self-speculation. */
  LocalLanguageModel openDrafter(LocalLanguageModel target) {
    return draftModel == null ? target : open(draftModel);
  }

  private LocalLanguageModel open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ErrorHandler.UserError(file + ": no such model file");
    }
    try {
      return LocalLanguageModel.open(file, engine());
    } catch (GgufFormatException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    } catch (NoSuchFileException e) {
      throw new ErrorHandler.UserError(file + ": no such model file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
