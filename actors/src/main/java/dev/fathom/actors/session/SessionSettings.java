package dev.fathom.actors.session;

import java.time.Duration;
import java.util.Objects;

/**
 * How sessions run.
 *
 * @param snapshotEvery events between snapshots of a session's transcript, 1..100000; recovery
 *     replays at most this many events after the newest snapshot
 * @param turnTimeout how long a caller waits for one turn (rewrite, pipeline, persist), positive
 */
public record SessionSettings(int snapshotEvery, Duration turnTimeout) {
  public SessionSettings {
    if (snapshotEvery < 1 || snapshotEvery > 100_000) {
      throw new IllegalArgumentException(
          "snapshotEvery must be in 1..100000, got " + snapshotEvery);
    }
    Objects.requireNonNull(turnTimeout, "turnTimeout");
    if (turnTimeout.isNegative() || turnTimeout.isZero()) {
      throw new IllegalArgumentException("turnTimeout must be positive, got " + turnTimeout);
    }
  }

  /** Snapshot every 20 events (10 turns), 2 minutes a turn. */
  public static SessionSettings defaults() {
    return new SessionSettings(20, Duration.ofMinutes(2));
  }
}
