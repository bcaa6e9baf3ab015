package dev.fathom.ops.cli;

import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.RankerSet;
import dev.fathom.retrieval.rank.Ranker;
import dev.fathom.retrieval.rank.RankerKind;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model FILE} for the commands that rank without answering ({@code search}, {@code eval
 * retrieval}, {@code bench rerank}): the GGUF model listwise and attention ranking run on.
 */
final class RerankOptions {

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description = "A GGUF model for --rerank listwise or attention (the in-JVM engine).")
  Path model;

  @Option(
      names = "--llm",
      paramLabel = "URL",
      description =
          "An OpenAI-compatible model server for --rerank listwise (fathom.llm.* for the model id,"
              + " key and retries); attention ranking needs --model.")
  String llm;

  /**
   * Opens {@code --model}, else the server of {@code --llm}, or returns null when neither is given;
   * bad files and URLs are one-line errors.
   */
  LanguageModel openModel(FathomConfig config) {
    EngineOptions engine = new EngineOptions();
    engine.llm = llm;
    if (model == null) {
      if (llm == null) return null;
      return engine.llmConfig(config).open();
    }
    if (llm != null) {
      throw new ErrorHandler.UserError("--model and --llm both choose the ranking model: give one");
    }
    engine.model = model;
    return engine.openModel();
  }

  /** Whether {@code kind} has the model it needs (attention: the in-JVM engine only). */
  boolean hasModelFor(RankerKind kind) {
    return kind == RankerKind.ATTENTION ? model != null : model != null || llm != null;
  }

  /** The ranker of {@code kind} in {@code set}; what is missing to run it is a user error. */
  static Ranker ranker(RankerSet set, RankerKind kind) {
    try {
      return set.get(kind);
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
  }

  /** {@code kind} parsed, or a user error naming the legal values. */
  static RankerKind kind(String raw) {
    try {
      return RankerKind.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
  }
}
