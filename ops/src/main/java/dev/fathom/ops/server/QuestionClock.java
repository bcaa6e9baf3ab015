package dev.fathom.ops.server;

import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Objects;

/**
 * When a question was taken, on both clocks a trace needs (monotonic for durations, wall-clock for
 * span timestamps), and the trace context it arrived with: a Kafka record's {@code traceparent}
 * header, or the HTTP request's, made current by {@link HttpApi} while the route runs.
 *
 * @param nanos {@link System#nanoTime()} at intake
 * @param epochNanos wall-clock time at intake, nanoseconds since the epoch
 * @param parent the caller's trace context ({@link Context#root()} when none came)
 */
public record QuestionClock(long nanos, long epochNanos, Context parent) {

  public QuestionClock {
    Objects.requireNonNull(parent, "parent");
  }

  /** Now, with the trace context current on this thread as the parent. */
  public static QuestionClock start() {
    return start(Context.current());
  }

  /** Now, with {@code parent} as the caller's trace context. */
  public static QuestionClock start(Context parent) {
    Instant now = Instant.now();
    return new QuestionClock(
        System.nanoTime(), now.getEpochSecond() * 1_000_000_000L + now.getNano(), parent);
  }
}
