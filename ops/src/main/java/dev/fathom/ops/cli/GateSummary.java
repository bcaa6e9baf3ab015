package dev.fathom.ops.cli;

import dev.fathom.drafters.speculative.SpeculationStats;
import java.util.Locale;

/**
 * The speculation gate's decisions in a phrase ({@code "on throughout"}, {@code "off 2×, 3 probes
 * (41% of tokens drafted)"}), as {@code bench speculative} rows and {@code generate --json} report
 * them: whether it drafted throughout, switched off (how often, and how many probe rounds it ran to
 * look again), or never drafted. docs/speculative.md describes the gate.
 */
final class GateSummary {
  private GateSummary() {}

  /**
   * @param adaptive whether the gate ran at all (false: a fixed γ)
   * @param rounds draft-and-verify rounds
   * @param offs times the gate switched speculation off
   * @param probes rounds the gate ran while off, to look again
   * @param speculatedShare share of the tokens that came out of rounds, 0..1
   */
  static String describe(
      boolean adaptive, int rounds, int offs, int probes, double speculatedShare) {
    if (!adaptive) {
      return "fixed γ";
    }
    if (rounds == 0) {
      return "never drafted";
    }
    if (offs == 0 && probes == 0) {
      return "on throughout";
    }
    return String.format(
        Locale.ROOT,
        "off %d×, %d probes (%.0f%% of tokens drafted)",
        offs,
        probes,
        100 * speculatedShare);
  }

  /** Share of a generation's tokens that came out of draft-and-verify rounds (gate on), 0..1. */
  static double speculatedShare(SpeculationStats s) {
    return s.generated() == 0 ? 0 : (double) (s.generated() - s.plainSteps()) / s.generated();
  }

  /** {@link #describe} of one generation. */
  static String describe(boolean adaptive, SpeculationStats s) {
    return describe(adaptive, s.rounds(), s.gateOffDecisions(), s.probes(), speculatedShare(s));
  }
}
