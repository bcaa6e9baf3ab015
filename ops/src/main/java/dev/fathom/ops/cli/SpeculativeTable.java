package dev.fathom.ops.cli;

import java.util.Locale;
import java.util.Map;

/** The text table of {@code fathom bench speculative} (without {@code --json}). */
final class SpeculativeTable {
  private SpeculativeTable() {}

  static void printHeader(
      String target, int targetTokens, String drafter, int draftTokens, String run) {
    System.out.println("machine: " + BenchCommand.machine());
    System.out.printf(
        "target %s reads %d tokens, drafter %s reads %d; %s; speed-up: median [quartiles] and"
            + " range of the pairs' plain/speculative time ratios; rates are totals, decoding"
            + " only%n",
        target, targetTokens, drafter, draftTokens, run);
    System.out.printf(
        "%6s %7s %8s %10s %10s %8s %15s %13s %8s %6s %7s %6s %6s %9s  %s%n",
        "η",
        "accept",
        "mean acc",
        "plain t/s",
        "spec t/s",
        "median",
        "[p25..p75]",
        "min..max",
        "totals",
        "cpu",
        "rounds",
        "probes",
        "plain",
        "identical",
        "gate");
  }

  static String line(Map<String, Object> m) {
    return String.format(
        Locale.ROOT,
        "%6s %7s %8s %10s %10s %8s %15s %13s %8s %6s %7s %6s %6s %9s  %s",
        m.get("eta"),
        m.get("acceptance"),
        m.get("mean_accepted"),
        m.get("plain_tok_s"),
        m.get("spec_tok_s"),
        m.get("speedup_median"),
        "[" + m.get("speedup_p25") + ".." + m.get("speedup_p75") + "]",
        m.get("speedup_worst_prompt") + ".." + m.get("speedup_best_prompt"),
        m.get("speedup"),
        m.get("cpu_speedup_median"),
        m.get("rounds"),
        m.get("probes"),
        m.get("plain_steps"),
        m.get("identical_to_plain") + "/" + m.get("pairs"),
        m.get("gate"));
  }
}
