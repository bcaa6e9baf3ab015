package dev.fathom.actors;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One question's time budget as {@link QuestionCoordinator} spends it: the stage the question is
 * in, what is left of the overall timeout, how long each stage took (the answer's {@code
 * timings_ms}, in stage order), and the failure that names the stage when the budget runs out or a
 * stage fails. A plain object, so the arithmetic is tested without actors or a real clock.
 */
final class QuestionBudget {

  private final Duration timeout;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final Map<String, Long> timingsMs = new LinkedHashMap<>();
  private String stage; // null before the first stage
  private long stageStartNanos;

  /** A budget of {@code timeout}, starting now. */
  QuestionBudget(Duration timeout) {
    this(timeout, System::nanoTime);
  }

  /** A budget of {@code timeout} on the clock {@code nanoTime}, starting now. */
  QuestionBudget(Duration timeout, LongSupplier nanoTime) {
    this.timeout = timeout;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
  }

  /** Ends the current stage's clock and starts {@code name}'s. */
  void begin(String name) {
    end();
    stage = name;
    stageStartNanos = nanoTime.getAsLong();
  }

  /** The stage the question is in (null before the first). */
  String stage() {
    return stage;
  }

  /** Milliseconds spent in the current stage so far. */
  long stageMillis() {
    return millisSince(stageStartNanos);
  }

  /** What is left of the overall budget; at least 1 ms, since the timer decides the end anyway. */
  Duration remaining() {
    Duration left = timeout.minusNanos(nanoTime.getAsLong() - startNanos);
    return left.toMillis() < 1 ? Duration.ofMillis(1) : left;
  }

  /** The smaller of {@link #remaining()} and a stage's own {@code cap}. */
  Duration remaining(Duration cap) {
    Duration left = remaining();
    return cap.compareTo(left) < 0 ? cap : left;
  }

  /**
   * Ends the current stage's clock and adds the question's total: each stage's milliseconds in the
   * order they ran, then {@link QuestionCoordinator#TOTAL}.
   */
  Map<String, Long> finish() {
    end();
    timingsMs.put(QuestionCoordinator.TOTAL, millisSince(startNanos));
    return timingsMs;
  }

  /** The failure of a question whose budget ran out, naming the stage it was in. */
  QuestionResult.Failed timedOut(String requestId) {
    return new QuestionResult.Failed(
        requestId, stage, "timed out after " + timeout.toMillis() + " ms in stage " + stage);
  }

  /** The failure of a question whose current stage failed, {@code why} being the stage's error. */
  QuestionResult.Failed failed(String requestId, String why) {
    return new QuestionResult.Failed(requestId, stage, stage + " failed: " + why);
  }

  private void end() {
    if (stage != null) timingsMs.put(stage, millisSince(stageStartNanos));
  }

  private long millisSince(long nanos) {
    return (nanoTime.getAsLong() - nanos) / 1_000_000;
  }
}
