package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.speculative.RapidSettings;
import org.junit.jupiter.api.Test;

/** The spread a row of {@code bench speculative} reports over its pairs. */
class SpeculativeRowTest {

  private static SpeculativeRow pair(double speedup, int probes, int recalled) {
    return new SpeculativeRow(
        RapidSettings.DEFAULTS,
        1,
        64,
        Math.round(speedup * 1_000_000),
        1_000_000,
        new double[] {speedup},
        1,
        probes,
        probes,
        0,
        64 - probes,
        0,
        0,
        0,
        0,
        probes,
        recalled,
        new double[] {speedup});
  }

  @Test
  void pairsAddUpAndTheirRatiosGiveMedianQuartilesAndRange() {
    SpeculativeRow r = pair(0.90, 1, 0);
    for (double s : new double[] {1.10, 0.98, 1.02, 1.00}) {
      r = r.plus(pair(s, 0, 1));
    }
    assertEquals(5, r.pairs());
    assertEquals(5 * 64, r.tokens());
    assertEquals(1, r.probes());
    assertEquals(4, r.recalled());
    assertEquals(1.00, r.medianSpeedup(), 1e-12);
    assertEquals(0.98, r.quartileSpeedup(0.25), 1e-12);
    assertEquals(1.02, r.quartileSpeedup(0.75), 1e-12);
    assertEquals(0.90, r.worstSpeedup(), 1e-12);
    assertEquals(1.10, r.bestSpeedup(), 1e-12);
    assertEquals(1.0, r.speedup(), 1e-9, "totals: 5.0 ms of plain over 5 ms of speculation");
  }

  @Test
  void quantilesInterpolateBetweenOrderStatistics() {
    double[] v = {4, 1, 3, 2};
    assertEquals(2.5, SpeculativeRow.quantile(v, 0.5), 1e-12);
    assertEquals(1.75, SpeculativeRow.quantile(v, 0.25), 1e-12);
    assertEquals(1, SpeculativeRow.quantile(v, 0), 1e-12);
    assertEquals(4, SpeculativeRow.quantile(v, 1), 1e-12);
    assertTrue(Double.isNaN(SpeculativeRow.quantile(new double[0], 0.5)));
  }

  @Test
  void speedupIfAllAcceptedIsTheBestGammaOfTheCostModel() {
    // t_1 = 100 ms, t_d = 10 ms, c = (120 − 100) / 2 = 10 ms per drafted position:
    // (g + 1)·100 / (g·10 + 100 + g·10) is largest at g = 4: 500 / 180.
    assertEquals(
        500.0 / 180.0, SpeculativeRows.tenTokens(120_000_000L, 0, 7).speedupIfAllAccepted(), 1e-9);
  }

  @Test
  void aCostlyVerificationCapsTheSpeedupBelowOne() {
    // c = (400 − 100) / 2 = 150 ms per position: even g = 1 gives 200 / 260.
    double s = SpeculativeRows.tenTokens(400_000_000L, 1, 7).speedupIfAllAccepted();
    assertEquals(200.0 / 260.0, s, 1e-9);
    assertTrue(s < 1);
  }
}
