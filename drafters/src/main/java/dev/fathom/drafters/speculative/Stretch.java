package dev.fathom.drafters.speculative;

/**
 * The realised rates of a stretch of speculation (the rounds since the gate last switched it on),
 * which the {@link SpeculationGate} holds against its cost model: tokens the rounds produced over
 * the time they took, and the time of plain <em>control</em> steps taken in between.
 *
 * <p>Why control steps: while speculation is on, no plain step is measured, so the plain rate the
 * rounds are compared with would be frozen at whatever the machine's load was when it came on —
 * measured during a busy moment, it lets slow rounds pass for fast ones for as long as the stretch
 * lasts. Every {@link #CONTROL_EVERY} rounds the gate decodes one token plainly instead (which
 * costs nothing against plain decoding, only a little of speculation's gain), and the rounds are
 * compared with the faster of the control steps' mean and the gate's {@code t_1}: both sides
 * measured in the same window, under the same load. Sums decay by {@link #DECAY} per entry so the
 * comparison follows a stretch that stops paying.
 */
final class Stretch {
  static final int CONTROL_EVERY = 8;
  static final double DECAY = 1.0 / 16;

  private double roundNanos; // decayed sums of the rounds' time and tokens
  private double roundTokens;
  private int rounds;
  private long tokens; // tokens of the stretch's rounds, not decayed
  private double controlNanos; // decayed sums of the control steps' time and count
  private double controlSteps;
  private int roundsSinceControl;

  /** A probe starts a fresh stretch. */
  void reset() {
    roundNanos = roundTokens = controlNanos = controlSteps = 0;
    rounds = roundsSinceControl = 0;
    tokens = 0;
  }

  void addRound(double nanos, int produced) {
    roundNanos = (1 - DECAY) * roundNanos + nanos;
    roundTokens = (1 - DECAY) * roundTokens + produced;
    rounds++;
    tokens += produced;
    roundsSinceControl++;
  }

  void addControl(long nanos) {
    controlNanos = (1 - DECAY) * controlNanos + nanos;
    controlSteps = (1 - DECAY) * controlSteps + 1;
    roundsSinceControl = 0;
  }

  /** Whether the next token should be a plain control step. */
  boolean controlDue() {
    return roundsSinceControl >= CONTROL_EVERY;
  }

  int rounds() {
    return rounds;
  }

  long tokens() {
    return tokens;
  }

  /** Whether the rounds' realised time per token beats plain decoding's, {@code t1} or measured. */
  boolean beatsPlain(double t1) {
    double plain = controlSteps > 0 ? Math.min(t1, controlNanos / controlSteps) : t1;
    return roundNanos / roundTokens < plain;
  }

  Stretch copy() {
    Stretch s = new Stretch();
    s.roundNanos = roundNanos;
    s.roundTokens = roundTokens;
    s.rounds = rounds;
    s.tokens = tokens;
    s.controlNanos = controlNanos;
    s.controlSteps = controlSteps;
    s.roundsSinceControl = roundsSinceControl;
    return s;
  }
}
