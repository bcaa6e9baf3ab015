package dev.fathom.ops.cli;

import dev.fathom.drafters.local.LocalLanguageModel;
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

  /** Opens {@code --model}, or returns null when none is given; bad files are one-line errors. */
  LocalLanguageModel openModel() {
    if (model == null) return null;
    EngineOptions engine = new EngineOptions();
    engine.model = model;
    return engine.openModel();
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
