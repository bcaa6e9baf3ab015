package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.ops.bench.SpeculativeRow;
import org.junit.jupiter.api.Test;

/** The per-row summaries of {@code fathom bench speculative} that are computed, not measured. */
class BenchSpeculativeCommandTest {

  /** A row of 10 tokens: plain 100 ms each; one round of 2 drafts, 10 ms per draft. */
  private static SpeculativeRow row(long verifyNanos, int offs, int plainSteps) {
    return new SpeculativeRow(
        RapidSettings.DEFAULTS.withGamma(4),
        1,
        10,
        1_000_000_000L,
        900_000_000L,
        new double[] {1.1},
        1,
        1,
        2,
        2,
        plainSteps,
        offs,
        20_000_000L,
        verifyNanos,
        700_000_000L,
        offs,
        0,
        new double[] {1.1});
  }

  @Test
  void speedupIfAllAcceptedIsTheBestGammaOfTheCostModel() {
    // t_1 = 100 ms, t_d = 10 ms, c = (120 − 100) / 2 = 10 ms per drafted position:
    // (g + 1)·100 / (g·10 + 100 + g·10) is largest at g = 4: 500 / 180.
    double s = new BenchSpeculativeCommand().speedupIfAllAccepted(row(120_000_000L, 0, 7));
    assertEquals(500.0 / 180.0, s, 1e-9);
  }

  @Test
  void aCostlyVerificationCapsTheSpeedupBelowOne() {
    // c = (400 − 100) / 2 = 150 ms per position: even g = 1 gives 200 / 260.
    double s = new BenchSpeculativeCommand().speedupIfAllAccepted(row(400_000_000L, 1, 7));
    assertEquals(200.0 / 260.0, s, 1e-9);
    assertTrue(s < 1);
  }

  @Test
  void theGateIsDescribedInWords() {
    assertEquals("on throughout", BenchSpeculativeCommand.gate(row(1, 0, 0)));
    assertEquals(
        "off 1×, 1 probes (30% of tokens drafted)", BenchSpeculativeCommand.gate(row(1, 1, 7)));
  }
}
