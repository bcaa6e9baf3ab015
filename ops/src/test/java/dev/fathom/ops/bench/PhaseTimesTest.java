package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PhaseTimesTest {

  @Test
  void throughputIsTheMedianOverRuns() {
    // 128 tokens in 0.1 s, 0.2 s, 0.05 s → 1280, 640, 2560 tok/s → median 1280
    PhaseTimes t =
        PhaseTimes.fromDurations(
            128,
            64,
            new long[] {100_000_000, 200_000_000, 50_000_000},
            new long[] {1_000_000_000, 500_000_000, 2_000_000_000});
    assertEquals(1280, t.prefillTokensPerSecond(), 1e-9);
    assertEquals(64, t.decodeTokensPerSecond(), 1e-9);
    assertEquals(3, t.runs());
    assertEquals(640, t.prefillMin(), 1e-9);
    assertEquals(2560, t.prefillMax(), 1e-9);
    assertEquals(32, t.decodeMin(), 1e-9);
    assertEquals(128, t.decodeMax(), 1e-9);
    assertEquals((2560 - 640) / 1280.0, t.prefillSpread(), 1e-12);
  }

  @Test
  void aMedianOutsideItsSpreadIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new PhaseTimes(10, 1, 3, 11, 12, 1, 1));
  }

  @Test
  void evenCountsAverageTheMiddleTwo() {
    assertEquals(2.5, PhaseTimes.median(new double[] {4, 1, 3, 2}), 1e-12);
  }

  @Test
  void rejectsMismatchedOrMissingRuns() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PhaseTimes.fromDurations(1, 1, new long[] {1}, new long[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PhaseTimes.fromDurations(1, 1, new long[0], new long[0]));
    assertThrows(IllegalArgumentException.class, () -> new PhaseTimes(0, 1, 1));
  }
}
