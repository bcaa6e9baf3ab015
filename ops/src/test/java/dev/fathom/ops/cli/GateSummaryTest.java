package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.speculative.SpeculationStats;
import org.junit.jupiter.api.Test;

/** {@link GateSummary}: the speculation gate's decisions in a phrase. */
class GateSummaryTest {

  private static SpeculationStats stats(int rounds, int plainSteps, int offs, int probes) {
    return new SpeculationStats(
        rounds, 2 * rounds, rounds, plainSteps, 40, 0L, 0L, 0L, offs, 4, probes, false);
  }

  @Test
  void eachOutcomeHasItsPhrase() {
    assertEquals("fixed γ", GateSummary.describe(false, 3, 0, 0, 1));
    assertEquals("never drafted", GateSummary.describe(true, 0, 1, 0, 0));
    assertEquals("on throughout", GateSummary.describe(true, 3, 0, 0, 1));
    assertEquals(
        "off 2×, 3 probes (41% of tokens drafted)", GateSummary.describe(true, 5, 2, 3, 0.41));
  }

  @Test
  void aGenerationsSpeculatedShareIsItsTokensOutsidePlainSteps() {
    SpeculationStats s = stats(6, 30, 1, 2);
    assertEquals(0.25, GateSummary.speculatedShare(s), 1e-12, "10 of 40 tokens from rounds");
    assertEquals("off 1×, 2 probes (25% of tokens drafted)", GateSummary.describe(true, s));
    assertEquals(
        0,
        GateSummary.speculatedShare(
            new SpeculationStats(0, 0, 0, 0, 0, 0L, 0L, 0L, 0, 0, 0, false)),
        "no tokens: no share, not NaN");
  }
}
