package dev.fathom.ops.bench;

import java.util.Arrays;

/**
 * Throughput of the two phases of generation, measured the same way for every engine: prefill runs
 * the whole prompt in batched forward passes (until the first token's logits; Fathom's are at most
 * 256 positions each), decode is one forward pass per generated token after that.
 *
 * @param prefillTokensPerSecond prompt tokens per second, median over the timed runs
 * @param decodeTokensPerSecond generated tokens per second, median over the timed runs
 * @param runs timed runs the medians are taken over (after the warm-up runs)
 * @param prefillMin slowest timed run's prefill tokens per second (the spread, with the max)
 * @param prefillMax fastest timed run's prefill tokens per second
 * @param decodeMin slowest timed run's decode tokens per second
 * @param decodeMax fastest timed run's decode tokens per second
 */
public record PhaseTimes(
    double prefillTokensPerSecond,
    double decodeTokensPerSecond,
    int runs,
    double prefillMin,
    double prefillMax,
    double decodeMin,
    double decodeMax) {
  public PhaseTimes {
    if (!(prefillTokensPerSecond > 0) || !(decodeTokensPerSecond > 0)) {
      throw new IllegalArgumentException(
          "tokens per second must be > 0, got prefill "
              + prefillTokensPerSecond
              + " and decode "
              + decodeTokensPerSecond);
    }
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be ≥ 1, got " + runs);
    }
    if (!(prefillMin <= prefillTokensPerSecond && prefillTokensPerSecond <= prefillMax)
        || !(decodeMin <= decodeTokensPerSecond && decodeTokensPerSecond <= decodeMax)) {
      throw new IllegalArgumentException(
          "medians must lie within their spreads, got prefill "
              + prefillTokensPerSecond
              + " in ["
              + prefillMin
              + ", "
              + prefillMax
              + "], decode "
              + decodeTokensPerSecond
              + " in ["
              + decodeMin
              + ", "
              + decodeMax
              + "]");
    }
  }

  /** Medians without a recorded spread (one run, or figures from elsewhere). */
  public PhaseTimes(double prefillTokensPerSecond, double decodeTokensPerSecond, int runs) {
    this(
        prefillTokensPerSecond,
        decodeTokensPerSecond,
        runs,
        prefillTokensPerSecond,
        prefillTokensPerSecond,
        decodeTokensPerSecond,
        decodeTokensPerSecond);
  }

  /** Spread of prefill as a share of the median: {@code (max − min) / median}. */
  public double prefillSpread() {
    return (prefillMax - prefillMin) / prefillTokensPerSecond;
  }

  /** Spread of decode as a share of the median: {@code (max − min) / median}. */
  public double decodeSpread() {
    return (decodeMax - decodeMin) / decodeTokensPerSecond;
  }

  /**
   * Medians of per-run throughputs from per-run durations.
   *
   * @param prefillNanos duration of each timed run's prefill
   * @param decodeNanos duration of each timed run's decode
   */
  public static PhaseTimes fromDurations(
      int promptTokens, int decodeTokens, long[] prefillNanos, long[] decodeNanos) {
    if (prefillNanos.length == 0 || prefillNanos.length != decodeNanos.length) {
      throw new IllegalArgumentException(
          "need one prefill and one decode duration per run, got "
              + prefillNanos.length
              + " and "
              + decodeNanos.length);
    }
    double[] prefill = new double[prefillNanos.length];
    double[] decode = new double[decodeNanos.length];
    for (int i = 0; i < prefill.length; i++) {
      prefill[i] = promptTokens * 1e9 / Math.max(1, prefillNanos[i]);
      decode[i] = decodeTokens * 1e9 / Math.max(1, decodeNanos[i]);
    }
    return new PhaseTimes(
        median(prefill),
        median(decode),
        prefill.length,
        Arrays.stream(prefill).min().orElseThrow(),
        Arrays.stream(prefill).max().orElseThrow(),
        Arrays.stream(decode).min().orElseThrow(),
        Arrays.stream(decode).max().orElseThrow());
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
