package dev.fathom.answer;

import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.trace.Trace;
import java.util.List;

/**
 * Where the traces of answers go for the behavior curator: the data directory's {@code TraceStore}
 * on the CLI, the {@code fathom.traces} topic in serve mode. Called off the answer's critical path
 * (after the reply), from one thread at a time per caller.
 */
public interface TraceSink {

  /**
   * Records {@code trace}; {@code usesUpdated} are the behaviors whose use counts the answer raised
   * (serve mode publishes them to {@code fathom.behaviors}).
   */
  void record(Trace trace, List<Behavior> usesUpdated);

  /** Keeps nothing. */
  TraceSink NONE = (trace, updated) -> {};
}
