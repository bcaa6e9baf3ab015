package dev.fathom.ops.cli;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.intake.IntakeException;
import dev.fathom.ops.intake.QuestionIntake;
import java.util.List;

/**
 * Questions and queries from the command line, checked by the one {@link QuestionIntake} before any
 * work is done; an empty one gets a hint on how to give it.
 */
final class Questions {
  private Questions() {}

  static QuestionIntake.Accepted ask(
      FathomConfig config, List<String> words, String mode, Integer k) {
    return ask(config, words, mode, k, null);
  }

  static QuestionIntake.Accepted ask(
      FathomConfig config, List<String> words, String mode, Integer k, String rerank) {
    try {
      return intake(config).fromCommandLine(String.join(" ", words), mode, k, rerank);
    } catch (IntakeException e) {
      throw withHint(e, "fathom ask \"What is RECOMP?\"");
    }
  }

  static QuestionIntake.Search search(
      FathomConfig config, List<String> words, String mode, Integer k) {
    return search(config, words, mode, k, null);
  }

  static QuestionIntake.Search search(
      FathomConfig config, List<String> words, String mode, Integer k, String rerank) {
    try {
      return intake(config).search(String.join(" ", words), mode, k, rerank);
    } catch (IntakeException e) {
      throw withHint(e, "fathom search \"speculative decoding\"");
    }
  }

  private static QuestionIntake intake(FathomConfig config) {
    return new QuestionIntake(QuestionIntake.Settings.of(config));
  }

  private static ErrorHandler.UserError withHint(IntakeException e, String example) {
    return new ErrorHandler.UserError(
        e.getMessage().equals("the question is empty")
            ? e.getMessage() + ": give it as an argument, e.g. " + example
            : e.getMessage());
  }
}
