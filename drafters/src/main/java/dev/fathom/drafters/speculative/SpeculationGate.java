package dev.fathom.drafters.speculative;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, from measured costs and acceptance, whether to speculate and with how many draft tokens
 * — slower-than-plain speculation is the most common complaint about speculative decoding.
 *
 * <p>Model (Leviathan et al. 2023, §3.1): with per-token acceptance {@code a}, a round of {@code g}
 * drafts yields {@code E(g) = (1 − a^(g+1)) / (1 − a)} tokens and costs {@code g·t_d + t_v(g)},
 * where {@code t_d} is one drafter step and {@code t_v(g) ≈ t_1 + g·c} a verification of {@code
 * g+1} positions ({@code t_1} = one plain target step, {@code c} the measured extra per verified
 * position). Plain decoding yields one token per {@code t_1}. The gate picks {@code g ∈ 1..γ}
 * maximising {@code E(g)/cost(g)} and turns speculation off when the best is no faster than plain.
 *
 * <p>Why it is off matters for when to look again:
 *
 * <ul>
 *   <li>Acceptance too low: it probes with one short round after a number of plain tokens that
 *       doubles after each probe (32, 64, … 1024) until a stretch of rounds has paid in realised
 *       terms over at least 32 tokens, and only once the probe's estimated cost — the drafter
 *       catching up on the newest tokens (at most {@link SpeculativeDecoder#MAX_CATCH_UP}) and a
 *       round of {@link #PROBE_GAMMA} — is at most {@link #PROBE_SHARE} of the time spent decoding
 *       plainly since the last one, so a useless drafter costs little.
 *   <li>Too costly even if every draft were accepted ({@code MIN_GAIN·(t_d + c) ≥ t_1}, since
 *       {@code (g+1) / (t_1 + g·(t_d + c))} never exceeds the larger of {@code 1/t_1} and {@code
 *       1/(t_d + c)}): no acceptance can help, so it probes again only once plain steps have become
 *       {@link #COST_REPROBE} times slower (a growing long context slows the target, not a
 *       short-context drafter).
 * </ul>
 *
 * <p>Two guards keep noise from leaving it on where it does not pay. A gain counts only when the
 * model predicts at least {@link #MIN_GAIN} times the plain rate (hysteresis: an estimate scattered
 * around break-even no longer flips it on), and from the second round on the rounds' realised rate
 * since it came on — tokens they produced over the time they took, a probe's catch-up on skipped
 * tokens left out — must beat the plain rate too, measured by plain control steps in the same
 * stretch ({@link Stretch}): the model leaves out sampling, the drafter's catch-up and a batch's
 * fixed costs, which on small models are most of a round.
 *
 * <p>A cold gate decodes the first {@link #WARMUP} tokens plainly to measure {@code t_1}; its first
 * round then drafts a single token, since neither {@code t_d} nor the acceptance is known yet and a
 * long first round of a useless drafter would cost as much as many plain tokens. Estimates are
 * exponential moving averages (and {@code t_1} a moving median) so they follow changing context
 * lengths.
 *
 * <p>What a gate learned need not die with its generation: given the {@link State} an earlier
 * generation of the same target–drafter pair left in a {@link SpeculationMemory}, it starts where
 * that one stopped — costs, acceptance, on or off and why, and the probe schedule with the plain
 * tokens counted since the last probe — with no warm-up and no first round. So after a generation
 * that found speculation hopeless the next starts with speculation off and probes only on the
 * doubling schedule (or, off for cost, once plain steps have become slower), instead of paying a
 * probe round in every short generation. A stretch of rounds goes on measuring its realised rate
 * across generations.
 *
 * <p>On a shared machine the estimates are noisy, and noise must not switch speculation on: {@code
 * t_1} is the median of the recent plain steps ({@link RecentSteps}), so a descheduled step cannot
 * make plain decoding look slower than it is (inflated drafter and verification costs only keep
 * speculation off, the safe side). And where the model promised a gain that the rounds' realised
 * rate did not deliver, the model is evidently missing a cost: a probe may switch speculation back
 * on, but the probe schedule keeps doubling until a stretch's realised rate has beaten the plain
 * rate, so a pair the model misjudges is re-tried ever more rarely instead of every 32 tokens.
 */
final class SpeculationGate {
  static final int WARMUP = 2;
  private static final Logger log = LoggerFactory.getLogger(SpeculationGate.class);
  private static final double DECAY = 0.3; // weight of the newest measurement
  private static final int FIRST_PROBE_GAP = 32;
  private static final int MAX_PROBE_GAP = 1024;
  static final int FIRST_GAMMA = 1;
  static final int PROBE_GAMMA = 2;
  static final double COST_REPROBE = 1.25;
  static final double PROBE_SHARE = 0.05;
  static final double MIN_GAIN = 1.05;

  private final int maxGamma;
  private final boolean adaptive;
  private RecentSteps recentPlain = new RecentSteps();
  private double plainNanos = Double.NaN; // t_1: the median of recentPlain
  private double draftNanos = Double.NaN; // t_d
  private double extraVerifyNanos = Double.NaN; // c
  private double accepted = 1; // EMA numerator and denominator of the acceptance estimate,
  private double drafted = 2; // starting from a neutral prior of 1/2
  private boolean on = true;
  private int plainSinceProbe;
  private int probeGap = FIRST_PROBE_GAP;
  private int offDecisions;
  private int plainSteps;
  private double hopelessAt = Double.NaN; // t_1 when turned off for cost, else NaN
  private Stretch stretch = new Stretch(); // realised rates since speculation last came on
  private int probes;
  private final boolean recalled;

  /**
   * What a gate has learned, to start the next generation of the same pair from (see {@link
   * SpeculationMemory}). Times in nanoseconds; {@code accepted}/{@code drafted} are the moving
   * acceptance estimate; {@code hopelessAt} {@code t_1} when turned off for cost, else NaN; {@code
   * stretch} the realised rates of the current stretch of rounds.
   */
  record State(
      RecentSteps recentPlain,
      double draftNanos,
      double extraVerifyNanos,
      double accepted,
      double drafted,
      boolean on,
      int plainSinceProbe,
      int probeGap,
      double hopelessAt,
      Stretch stretch) {}

  SpeculationGate(int maxGamma, boolean adaptive) {
    this(maxGamma, adaptive, null);
  }

  /**
   * A gate that starts from {@code prior} (what an earlier generation learned), or cold if null.
   */
  SpeculationGate(int maxGamma, boolean adaptive, State prior) {
    this.maxGamma = maxGamma;
    this.adaptive = adaptive;
    this.recalled = adaptive && prior != null;
    if (recalled) {
      recentPlain = prior.recentPlain().copy();
      plainNanos = recentPlain.median();
      draftNanos = prior.draftNanos();
      extraVerifyNanos = prior.extraVerifyNanos();
      accepted = prior.accepted();
      drafted = prior.drafted();
      on = prior.on();
      plainSinceProbe = prior.plainSinceProbe();
      probeGap = prior.probeGap();
      hopelessAt = prior.hopelessAt();
      stretch = prior.stretch().copy();
      plainSteps = WARMUP;
    }
  }

  /**
   * What this gate has learned, for the next generation of the pair; null while it has not judged a
   * round yet (a cold start is then no worse).
   */
  State state() {
    if (!adaptive || Double.isNaN(plainNanos) || Double.isNaN(extraVerifyNanos)) {
      return null;
    }
    return new State(
        recentPlain.copy(),
        draftNanos,
        extraVerifyNanos,
        accepted,
        drafted,
        on,
        plainSinceProbe,
        probeGap,
        hopelessAt,
        stretch.copy());
  }

  /** γ for the next round, or 0 to decode the next token plainly. */
  int nextGamma() {
    if (!adaptive) {
      return maxGamma;
    }
    if (plainSteps < WARMUP) {
      return 0;
    }
    if (Double.isNaN(draftNanos)) {
      return Math.min(maxGamma, FIRST_GAMMA);
    }
    if (!on) {
      if (plainSinceProbe < probeGap
          || plainNanos < COST_REPROBE * hopelessAt // false while hopelessAt is NaN
          || probeCost() > PROBE_SHARE * plainSinceProbe * plainNanos) {
        return 0;
      }
      plainSinceProbe = 0;
      probeGap = Math.min(MAX_PROBE_GAP, probeGap * 2);
      return Math.min(maxGamma, PROBE_GAMMA);
    }
    return stretch.controlDue() ? 0 : bestGamma(); // now and then a plain step to compare with
  }

  void recordPlain(long nanos) {
    plainSteps++;
    plainSinceProbe++;
    recentPlain.add(nanos);
    plainNanos = recentPlain.median();
    if (on && adaptive && stretch.rounds() > 0) {
      stretch.addControl(nanos); // a control step (or one the end of the generation forced)
    }
  }

  /**
   * One round's outcome. {@code draftPositions} counts every position the drafter ran, including
   * tokens it caught up on after plain steps, so {@code t_d} is the cost of one drafter position
   * and a catch-up after a long plain stretch does not make the drafter look slower than it is.
   */
  void recordRound(
      int gamma, int acceptedTokens, int draftPositions, long draftTime, long verifyTime) {
    // Per-token acceptance counts only drafts that were judged: those after a rejection were not.
    int judged = acceptedTokens + (acceptedTokens < gamma ? 1 : 0);
    accepted = (1 - DECAY) * accepted + DECAY * acceptedTokens;
    drafted = (1 - DECAY) * drafted + DECAY * judged;
    draftNanos = ema(draftNanos, (double) draftTime / Math.max(gamma, draftPositions));
    if (!Double.isNaN(plainNanos)) {
      extraVerifyNanos = ema(extraVerifyNanos, Math.max(0, verifyTime - plainNanos) / gamma);
    }
    if (!adaptive || Double.isNaN(plainNanos)) {
      return;
    }
    if (!on) { // a probe: judged by the model alone, and it starts a fresh realised rate
      probes++;
      stretch.reset();
    }
    // The round produced its accepted drafts and one more token (replacement or bonus). A catch-up
    // after a plain stretch (positions beyond the γ + 1 a round in a stretch reads) is the one-off
    // price of switching on, not the stretch's rate, so only the steady share of it counts.
    double steadyDraft =
        draftPositions > gamma + 1 ? (double) draftTime * (gamma + 1) / draftPositions : draftTime;
    stretch.addRound(steadyDraft + verifyTime, acceptedTokens + 1);
    int best = bestGamma();
    boolean realisedPays = stretch.rounds() < 2 || stretch.beatsPlain(plainNanos);
    boolean pays = speed(best) > MIN_GAIN / plainNanos && realisedPays;
    hopelessAt =
        !pays && MIN_GAIN * (draftNanos + extraVerifyNanos) >= plainNanos ? plainNanos : Double.NaN;
    if (on && !pays) {
      offDecisions++;
      log.debug(
          "speculation off{}: acceptance {} draft {} µs/token, verify extra {} µs/position, plain {} µs/token",
          !Double.isNaN(hopelessAt)
              ? " (too costly at any acceptance)"
              : realisedPays ? "" : " (rounds slower than plain steps)",
          String.format("%.2f", acceptance()),
          Math.round(draftNanos / 1000),
          Math.round(extraVerifyNanos / 1000),
          Math.round(plainNanos / 1000));
    } else if (!on && pays) {
      log.debug("speculation back on: acceptance {}", String.format("%.2f", acceptance()));
    }
    if (pays && stretch.rounds() >= 2 && stretch.tokens() >= FIRST_PROBE_GAP) {
      probeGap = FIRST_PROBE_GAP; // confirmed by a realised rate over many tokens, not the model
    }
    on = pays;
  }

  double acceptance() {
    return Math.min(0.999, accepted / drafted);
  }

  int offDecisions() {
    return offDecisions;
  }

  /** Rounds run to look again while speculation was off. */
  int probes() {
    return probes;
  }

  /** Whether this gate started from what an earlier generation learned. */
  boolean recalled() {
    return recalled;
  }

  boolean on() {
    return on;
  }

  private int bestGamma() {
    if (Double.isNaN(draftNanos) || Double.isNaN(extraVerifyNanos)) {
      return maxGamma;
    }
    int best = 1;
    for (int g = 2; g <= maxGamma; g++) {
      if (speed(g) > speed(best)) {
        best = g;
      }
    }
    return best;
  }

  /** Estimated time of a probe round beyond the plain step it replaces. */
  private double probeCost() {
    int catchUp = Math.min(plainSinceProbe + 1, SpeculativeDecoder.MAX_CATCH_UP);
    return (catchUp + PROBE_GAMMA - 1) * draftNanos + PROBE_GAMMA * extraVerifyNanos;
  }

  /** Expected tokens per nanosecond of a round of {@code g} drafts. */
  private double speed(int g) {
    double a = acceptance();
    double expected = (1 - Math.pow(a, g + 1)) / (1 - a);
    double cost = g * draftNanos + plainNanos + g * extraVerifyNanos;
    return expected / cost;
  }

  private static double ema(double old, double sample) {
    return Double.isNaN(old) ? sample : (1 - DECAY) * old + DECAY * sample;
  }
}
