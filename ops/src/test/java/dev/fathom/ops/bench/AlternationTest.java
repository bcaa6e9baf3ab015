package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineBenchmark#alternate}: warm-up of both, then rounds with the first engine swapped.
 */
class AlternationTest {

  @Test
  void roundsAlternateWhichEngineGoesFirstAfterWarmingBothUp() {
    List<String> order = new ArrayList<>();
    Supplier<long[]> a = engine(order, "a", 10_000_000L);
    Supplier<long[]> b = engine(order, "b", 20_000_000L);
    PhaseTimes[] t = EngineBenchmark.alternate(10, 5, 4, a, b);
    // Warm-up runs of a, then of b (each at least one, for about WARMUP_SECONDS) — skip them.
    int timed = order.size() - 8;
    assertEquals(
        List.of("a", "b", "b", "a", "a", "b", "b", "a"), order.subList(timed, order.size()));
    assertTrue(order.subList(0, timed).contains("a") && order.subList(0, timed).contains("b"));
    assertEquals(4, t[0].runs());
    assertEquals(1000, t[0].prefillTokensPerSecond(), 1e-6); // 10 tokens in 10 ms
    assertEquals(500, t[1].prefillTokensPerSecond(), 1e-6);
  }

  @Test
  void needsAtLeastOneRound() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EngineBenchmark.alternate(1, 1, 0, () -> new long[] {1, 1}, () -> new long[] {1, 1}));
  }

  /** An engine whose runs take no time but report fixed durations; slows warm-up to 0.5 s. */
  private static Supplier<long[]> engine(List<String> order, String name, long nanos) {
    return () -> {
      order.add(name);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new long[] {nanos, nanos};
    };
  }
}
