package dev.fathom.actors;

import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.behaviors.trace.Trace;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The behavior stage of the pipeline (see {@link BehaviorLibrarian}).
 *
 * @param library the handbook's behaviors for each question
 * @param traces where the traces of generated answers go
 * @param parallelism routees of the librarian router, 1..{@value PipelineSettings#MAX_PARALLELISM}
 * @param timeout the most an offer may take before the answer goes ahead without behaviors
 * @param improver behaviors extracted from one answer's trace, as an offer for answering again
 *     (self-improvement); null when questions cannot ask for it
 */
public record BehaviorStage(
    BehaviorLibrary library,
    TraceSink traces,
    int parallelism,
    Duration timeout,
    Function<Trace, BehaviorLibrary.Offer> improver) {

  /** Without self-improvement. */
  public BehaviorStage(
      BehaviorLibrary library, TraceSink traces, int parallelism, Duration timeout) {
    this(library, traces, parallelism, timeout, null);
  }

  public BehaviorStage {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(traces, "traces");
    Objects.requireNonNull(timeout, "timeout");
    if (parallelism < 1 || parallelism > PipelineSettings.MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "behavior stage parallelism must be in 1.."
              + PipelineSettings.MAX_PARALLELISM
              + ", got "
              + parallelism);
    }
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "behavior stage timeout must be at least 1 ms, got " + timeout);
    }
  }
}
