package dev.fathom.ops.bench;

import dev.fathom.drafters.speculative.RapidSettings;
import java.util.Arrays;

/**
 * One row of {@link SpeculativeBenchmark}: totals over all pairs (plain and speculative run of one
 * prompt) measured for one setting. Rates are total tokens over total decoding seconds; the
 * speed-up to read is the {@link #medianSpeedup median} of the pairs' ratios, with {@link
 * #quartileSpeedup quartiles} and extremes for its spread.
 *
 * @param pairs pairs measured (prompts × passes)
 * @param tokens tokens each of the plain and the speculative runs produced in total
 * @param speedups plain ÷ speculative time of each pair, in the order measured
 * @param identical pairs whose speculative tokens equal the plain run's
 * @param plainSteps tokens the target decoded alone inside the speculative runs (gate off)
 * @param plainStepNanos time of those plain steps
 * @param probes rounds the gate ran to look again while speculation was off
 * @param recalled speculative runs whose gate started from what earlier runs had learned
 * @param cpuSpeedups plain ÷ speculative CPU time (all threads) of each pair: less sensitive to
 *     other processes than the wall clock on a shared machine
 */
public record SpeculativeRow(
    RapidSettings rapid,
    int pairs,
    int tokens,
    long plainNanos,
    long specNanos,
    double[] speedups,
    int identical,
    int rounds,
    int drafted,
    int accepted,
    int plainSteps,
    int gateOffDecisions,
    long draftNanos,
    long verifyNanos,
    long plainStepNanos,
    int probes,
    int recalled,
    double[] cpuSpeedups) {
  public double plainTokensPerSecond() {
    return tokens / (plainNanos / 1e9);
  }

  public double specTokensPerSecond() {
    return tokens / (specNanos / 1e9);
  }

  /** Ratio of the totals: dominated by the slowest pairs, so noisier than the median. */
  public double speedup() {
    return (double) plainNanos / specNanos;
  }

  public double acceptance() {
    return drafted == 0 ? 0 : (double) accepted / drafted;
  }

  public double meanAccepted() {
    return rounds == 0 ? 0 : (double) accepted / rounds;
  }

  public double medianSpeedup() {
    return quantile(speedups, 0.5);
  }

  /** The pairs' speed-up at quantile {@code q} (0.25, 0.75: the quartiles). */
  public double quartileSpeedup(double q) {
    return quantile(speedups, q);
  }

  /** The median of the pairs' CPU-time ratios. */
  public double medianCpuSpeedup() {
    return quantile(cpuSpeedups, 0.5);
  }

  /** The slowest pair's speed-up: where the gate (or the machine) cost most. */
  public double worstSpeedup() {
    return Arrays.stream(speedups).min().orElse(Double.NaN);
  }

  public double bestSpeedup() {
    return Arrays.stream(speedups).max().orElse(Double.NaN);
  }

  /** Share of the generated tokens that came out of draft-and-verify rounds (gate on). */
  public double speculatedShare() {
    return tokens == 0 ? 0 : (double) (tokens - plainSteps) / tokens;
  }

  /**
   * The best speed-up any drafter could give at these costs, if every draft were accepted: the
   * gate's cost model (Leviathan et al. 2023, §3.1) with the row's measured costs — a drafter step
   * {@code t_d} (draft time per drafted token), a plain step {@code t_1} (the plain runs' time per
   * token) and the extra verification time per drafted position {@code c} (a round's verification
   * minus {@code t_1}, per draft) — maximised over {@code g ∈ 1..γ}: {@code (g + 1)·t_1 / (g·t_d +
   * t_1 + g·c)}. Below 1, no drafter quality helps at this context length on this machine; NaN when
   * no round ran.
   */
  public double speedupIfAllAccepted() {
    if (rounds == 0 || drafted == 0) {
      return Double.NaN;
    }
    double plainStep = (double) plainNanos / tokens;
    double draftStep = (double) draftNanos / drafted;
    double extra =
        Math.max(0, ((double) verifyNanos / rounds - plainStep)) / ((double) drafted / rounds);
    double best = 0;
    for (int g = 1; g <= rapid.gamma(); g++) {
      best = Math.max(best, (g + 1) * plainStep / (g * draftStep + plainStep + g * extra));
    }
    return best;
  }

  /** This row and {@code o} (the same setting measured again) as one. */
  public SpeculativeRow plus(SpeculativeRow o) {
    return new SpeculativeRow(
        rapid,
        pairs + o.pairs,
        tokens + o.tokens,
        plainNanos + o.plainNanos,
        specNanos + o.specNanos,
        concat(speedups, o.speedups),
        identical + o.identical,
        rounds + o.rounds,
        drafted + o.drafted,
        accepted + o.accepted,
        plainSteps + o.plainSteps,
        gateOffDecisions + o.gateOffDecisions,
        draftNanos + o.draftNanos,
        verifyNanos + o.verifyNanos,
        plainStepNanos + o.plainStepNanos,
        probes + o.probes,
        recalled + o.recalled,
        concat(cpuSpeedups, o.cpuSpeedups));
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Linear interpolation between order statistics (the common "type 7" definition). */
  static double quantile(double[] values, double q) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    double h = q * (v.length - 1);
    int lo = (int) Math.floor(h);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (h - lo) * (v[hi] - v[lo]);
  }
}
