package dev.fathom.ops.bench;

import dev.fathom.drafters.speculative.RapidSettings;

/**
 * Rows of {@code bench speculative} with known costs, for the tests of what is computed from them.
 */
public final class SpeculativeRows {
  private SpeculativeRows() {}

  /**
   * One pair of 10 tokens at γ ≤ 4: plain 1 s (100 ms a token), speculative 0.9 s; one round of 2
   * drafts (10 ms each) verified in {@code verifyNanos}.
   *
   * @param offs gate-off decisions, and as many probes
   * @param plainSteps tokens the speculative run decoded plainly
   */
  public static SpeculativeRow tenTokens(long verifyNanos, int offs, int plainSteps) {
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
}
