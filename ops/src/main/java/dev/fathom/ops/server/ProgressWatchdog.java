package dev.fathom.ops.server;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the unit of work in progress started, so a health check can tell a stream that is busy from
 * one that is stuck (a read that blocks forever, a model call that never returns). The worker calls
 * {@link #started()} and {@link #finished()} around each unit; any thread may ask {@link
 * #stalled(Duration)}. An idle stream is never stalled.
 */
final class ProgressWatchdog {

  private final LongSupplier nanoClock;
  private volatile long startedNanos;
  private volatile boolean busy;

  ProgressWatchdog() {
    this(System::nanoTime);
  }

  ProgressWatchdog(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  void started() {
    startedNanos = nanoClock.getAsLong();
    busy = true;
  }

  void finished() {
    busy = false;
  }

  /** True while a unit of work has been in progress for longer than {@code limit}. */
  boolean stalled(Duration limit) {
    return busy && nanoClock.getAsLong() - startedNanos > limit.toNanos();
  }
}
