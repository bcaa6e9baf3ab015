package dev.fathom.ops.cli;

import dev.fathom.behaviors.trace.Feedback;
import dev.fathom.behaviors.trace.TraceStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fathom feedback REQUEST_ID --rating N --correct|--wrong --comment TEXT}: feedback on an
 * answer, attached to its trace so the behavior strategist reads it when it reflects
 * (docs/behaviors.md).
 */
@Command(
    name = "feedback",
    description = {
      "Give feedback on an answer written with --model (by the request id its --json shows).",
      "The behavior strategist reads it when `fathom behaviors mine` reflects on the answer."
    })
public final class FeedbackCommand implements Callable<Integer> {

  @Mixin DataOption data;

  @Parameters(paramLabel = "REQUEST_ID", description = "The answer's request id.")
  String requestId;

  @Option(names = "--rating", paramLabel = "1..5", description = "How good the answer was.")
  Integer rating;

  @Option(
      names = "--correct",
      negatable = true,
      description = "Whether the answer was right (--no-correct: it was wrong).")
  Boolean correct;

  @Option(names = "--comment", paramLabel = "TEXT", description = "What was right or wrong.")
  String comment;

  @Override
  public Integer call() {
    Feedback f;
    try {
      f = new Feedback(rating, correct, comment);
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
    // The trace store alone: no embedding model or handbook is needed to attach feedback.
    TraceStore traces = TraceStore.open(data.config().dataDir().resolve("traces"));
    try {
      traces.attachFeedback(requestId, f);
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
    System.out.println("feedback recorded for " + requestId + ": " + f.describe());
    return 0;
  }
}
