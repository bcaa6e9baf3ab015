package dev.fathom.drafters.speculative;

/**
 * What one speculative generation did: the inputs of the gate's decisions and their outcome.
 *
 * @param rounds draft-and-verify rounds
 * @param drafted draft tokens proposed
 * @param accepted draft tokens accepted
 * @param plainSteps tokens decoded by the target alone (gate off, or no room to draft)
 * @param generated tokens emitted in total
 * @param draftNanos time in drafter forward passes
 * @param verifyNanos time in target verification passes
 * @param plainNanos time in plain target steps
 * @param gateOffDecisions times the gate switched speculation off
 * @param lastGamma γ chosen for the last round (0 when the gate ended off)
 * @param probes rounds the gate ran to look again while speculation was off
 * @param recalled whether the gate started from what earlier generations of the pair had learned
 *     ({@link SpeculationMemory}) rather than cold
 */
public record SpeculationStats(
    int rounds,
    int drafted,
    int accepted,
    int plainSteps,
    int generated,
    long draftNanos,
    long verifyNanos,
    long plainNanos,
    int gateOffDecisions,
    int lastGamma,
    int probes,
    boolean recalled) {

  /** Fraction of draft tokens accepted (0 when none were drafted). */
  public double acceptanceRate() {
    return drafted == 0 ? 0 : (double) accepted / drafted;
  }

  /** Mean accepted draft tokens per round. */
  public double meanAccepted() {
    return rounds == 0 ? 0 : (double) accepted / rounds;
  }
}
