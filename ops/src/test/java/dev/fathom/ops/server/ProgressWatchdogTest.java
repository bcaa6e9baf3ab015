package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressWatchdogTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final ProgressWatchdog watchdog = new ProgressWatchdog(now::get);
  private final Duration limit = Duration.ofSeconds(5);

  @Test
  void anIdleStreamIsNeverStalled() {
    now.addAndGet(Duration.ofHours(1).toNanos());
    assertFalse(watchdog.stalled(limit));
  }

  @Test
  void aBatchRunningPastTheLimitIsStalledUntilItFinishes() {
    watchdog.started();
    now.addAndGet(limit.toNanos());
    assertFalse(watchdog.stalled(limit), "exactly at the limit is still busy");
    now.addAndGet(1);
    assertTrue(watchdog.stalled(limit));
    watchdog.finished();
    assertFalse(watchdog.stalled(limit));
  }

  @Test
  void eachBatchIsTimedFromItsOwnStart() {
    watchdog.started();
    now.addAndGet(limit.toNanos() - 1);
    watchdog.finished();
    watchdog.started();
    now.addAndGet(limit.toNanos() - 1);
    assertFalse(watchdog.stalled(limit));
  }
}
