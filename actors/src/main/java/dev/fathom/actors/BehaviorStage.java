package dev.fathom.actors;

import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import java.time.Duration;
import java.util.Objects;

/**
 * The behavior stage of the pipeline (see {@link BehaviorLibrarian}).
 *
 * @param library the handbook's behaviors for each question
 * @param traces where the traces of generated answers go
 * @param parallelism routees of the librarian router, 1..{@value PipelineSettings#MAX_PARALLELISM}
 * @param timeout the most an offer may take before the answer goes ahead without behaviors
 */
public record BehaviorStage(
    BehaviorLibrary library, TraceSink traces, int parallelism, Duration timeout) {
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
