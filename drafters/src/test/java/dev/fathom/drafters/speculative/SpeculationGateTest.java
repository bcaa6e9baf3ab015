package dev.fathom.drafters.speculative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The gate's decisions on simulated costs (in arbitrary time units): plain step {@code t1}, drafter
 * position {@code td}, extra per verified position {@code c}, and how many of {@code γ} drafts are
 * accepted.
 */
class SpeculationGateTest {

  /** Decodes {@code tokens} tokens under the gate; returns the simulated time over plain time. */
  static double slowdown(
      SpeculationGate gate, int tokens, long t1, long td, long c, IntUnaryOperator accepted) {
    long time = 0;
    int done = 0;
    int lag = 1; // tokens the drafter has not read, as the decoder's pending list
    while (done < tokens) {
      int g = Math.min(gate.nextGamma(), tokens - done - 1);
      if (g <= 0) {
        gate.recordPlain(t1);
        time += t1;
        done++;
        lag++;
      } else {
        int n = accepted.applyAsInt(g);
        int positions = Math.min(lag, SpeculativeDecoder.MAX_CATCH_UP) + g - 1;
        gate.recordRound(g, n, positions, positions * td, t1 + g * c);
        time += positions * td + t1 + g * c;
        done += n + 1;
        lag = 1;
      }
    }
    return (double) time / (tokens * t1);
  }

  @Test
  void theFirstRoundAfterWarmUpDraftsASingleToken() {
    SpeculationGate gate = new SpeculationGate(10, true);
    for (int i = 0; i < SpeculationGate.WARMUP; i++) {
      assertEquals(0, gate.nextGamma());
      gate.recordPlain(100);
    }
    assertEquals(SpeculationGate.FIRST_GAMMA, gate.nextGamma());
  }

  @Test
  void aFastDrafterThatIsAlwaysRightGetsTheFullGamma() {
    SpeculationGate gate = new SpeculationGate(10, true);
    double s = slowdown(gate, 200, 100, 5, 2, g -> g);
    assertTrue(gate.on());
    assertEquals(10, gate.nextGamma());
    assertTrue(s < 0.5, "speculation is more than twice as fast: " + s);
  }

  @Test
  void aDrafterTooCostlyAtAnyAcceptanceIsNotProbedAgainWhileCostsStay() {
    // td + c = 150 ≥ t1 = 100: even perfect acceptance cannot pay.
    SpeculationGate gate = new SpeculationGate(10, true);
    double s = slowdown(gate, 64, 100, 60, 90, g -> g);
    assertFalse(gate.on());
    assertEquals(1, gate.offDecisions());
    assertTrue(s <= 1 / 0.95, "at most 5% slower over 64 tokens: " + s);
    for (int i = 0; i < 2000; i++) {
      assertEquals(0, gate.nextGamma(), "no probe at an unchanged cost, step " + i);
      gate.recordPlain(100);
    }
    for (int i = 0; i < 20; i++) {
      gate.recordPlain(200); // the target got slower, e.g. its context grew
    }
    assertTrue(gate.nextGamma() > 0, "probes again once plain steps are slower");
  }

  @Test
  void aUselessDrafterCostsAtMostFivePercentOnceWarm() {
    for (long[] costs : new long[][] {{100, 60, 90}, {100, 10, 5}, {100, 40, 30}}) {
      SpeculationGate gate = new SpeculationGate(10, true);
      double s = slowdown(gate, 64, costs[0], costs[1], costs[2], g -> 0);
      assertFalse(gate.on());
      assertTrue(
          s <= 1 / 0.95, "over 64 tokens with costs " + costs[1] + "/" + costs[2] + ": " + s);
      double longRun =
          slowdown(new SpeculationGate(10, true), 2000, costs[0], costs[1], costs[2], g -> 0);
      assertTrue(longRun <= 1.03, "over 2000 tokens with costs " + costs[1] + ": " + longRun);
    }
  }

  @Test
  void costsAtBreakEvenCountAsTooCostly() {
    // td + c = 98 < t1 = 100: perfect acceptance would gain 2 % in theory, less than the noise of
    // the estimates, so the gate stops after its first round and does not probe again.
    SpeculationGate gate = new SpeculationGate(10, true);
    double s = slowdown(gate, 64, 100, 50, 48, g -> g);
    assertFalse(gate.on());
    assertEquals(1, gate.offDecisions());
    assertTrue(s <= 1 / 0.95, "at most 5% slower over 64 tokens: " + s);
    for (int i = 0; i < 500; i++) {
      assertEquals(0, gate.nextGamma(), "no probe at an unchanged cost, step " + i);
      gate.recordPlain(100);
    }
  }

  @Test
  void roundsSlowerThanPlainStepsTurnItOffWhileTheCostEstimatesStillLag() {
    SpeculationGate gate = new SpeculationGate(10, true);
    for (int i = 0; i < SpeculationGate.WARMUP; i++) {
      gate.recordPlain(100);
    }
    // A first round measured far too cheap (the kind of outlier a loaded machine produces).
    gate.recordRound(1, 1, 1, 1, 101);
    assertTrue(gate.on());
    int g = gate.nextGamma();
    // The next round shows the real costs and nothing accepted. The moving averages still predict
    // a gain (drafter 19, verification 16 per position, acceptance 0.47), but the two rounds took
    // about 12 plain steps' time for 3 tokens.
    gate.recordRound(g, 0, g, 60L * g, 100 + 50L * g);
    assertFalse(gate.on(), "the realised rate of the rounds is below the plain rate");
    assertEquals(1, gate.offDecisions());
  }

  @Test
  void aDrafterThatBecomesUsefulIsTakenBackAfterAProbe() {
    SpeculationGate gate = new SpeculationGate(10, true);
    slowdown(gate, 100, 100, 5, 2, g -> 0);
    assertFalse(gate.on());
    double s = slowdown(gate, 2000, 100, 5, 2, g -> g);
    assertTrue(gate.on(), "a probe found the drafter accepted and turned speculation back on");
    assertTrue(s < 0.6, "most of the 2000 tokens were speculated: " + s);
  }

  @Test
  void aProbesCatchUpDoesNotCountAgainstTheRoundsAfterIt() {
    SpeculationGate gate = new SpeculationGate(10, true);
    for (int i = 0; i < SpeculationGate.WARMUP; i++) {
      gate.recordPlain(100);
    }
    gate.recordRound(1, 0, 1, 30, 110); // rejected: off for low acceptance
    assertFalse(gate.on());
    for (int i = 0; i < 40; i++) {
      gate.recordPlain(100);
    }
    // A probe: the drafter first reads 16 skipped tokens (15 × 30 of one-off cost), then drafts 2,
    // both accepted: back on.
    gate.recordRound(2, 2, 17, 17 * 30, 120);
    assertTrue(gate.on());
    // A steady round: 2 tokens for 170. Counting the catch-up, the stretch would have made 5
    // tokens in 800 (slower than plain); without it, 5 in 380.
    gate.recordRound(1, 1, 2, 60, 110);
    assertTrue(gate.on(), "the probe's catch-up is not the stretch's rate");
  }

  @Test
  void descheduledPlainStepsDoNotMakeSpeculationLookCheap() {
    // td + c = 150 ≥ t1 = 100: off for cost. Then three plain steps take 30 times as long (the
    // thread was descheduled): a moving average of t1 would have jumped past the re-probe bound,
    // the median of the recent steps does not move.
    SpeculationGate gate = new SpeculationGate(10, true);
    slowdown(gate, 64, 100, 60, 90, g -> g);
    assertFalse(gate.on());
    for (int i = 0; i < 100; i++) {
      gate.recordPlain(i % 20 < 3 ? 3000 : 100);
      assertEquals(0, gate.nextGamma(), "no probe at step " + i);
    }
  }

  @Test
  void aStretchThatDoesNotPayInRealisedTermsIsRetriedEverMoreRarely() {
    // The model is optimistic after each accepted probe, but the rounds after it accept nothing:
    // each stretch is switched off by its realised rate. The probe gap must keep doubling (it
    // used to be reset by every probe the model liked, so this pair was retried every ~38 tokens).
    SpeculationGate gate = new SpeculationGate(10, true);
    for (int i = 0; i < SpeculationGate.WARMUP; i++) {
      gate.recordPlain(100);
    }
    gate.recordRound(1, 1, 2, 20, 110);
    int[] gaps = new int[6];
    for (int cycle = 0; cycle < gaps.length; cycle++) {
      for (int r = 0; r < 5 && gate.on(); r++) {
        int g = gate.nextGamma();
        gate.recordRound(g, 0, g, 30L * g, 100 + 30L * g); // nothing accepted
      }
      assertFalse(gate.on(), "cycle " + cycle + ": the realised rate fell below plain");
      while (gate.nextGamma() == 0 && gaps[cycle] < 5000) {
        gate.recordPlain(100);
        gaps[cycle]++;
      }
      gate.recordRound(2, 2, 17, 170, 120); // the probe: both accepted, back on
      assertTrue(gate.on(), "cycle " + cycle);
    }
    assertTrue(gaps[5] >= 512, "gaps between probes " + java.util.Arrays.toString(gaps));
  }

  @Test
  void roundsAreComparedWithPlainControlStepsTakenInTheSameStretch() {
    // Speculation came on while plain steps took 300 (a busy moment): rounds of 200 per token
    // looked
    // fast. Now plain steps take 100 again; the control steps show it and the stretch goes off.
    SpeculationGate gate = new SpeculationGate(4, true);
    for (int i = 0; i < 20; i++) {
      gate.recordPlain(300);
    }
    gate.recordRound(1, 1, 1, 10, 310); // cheap first round: on
    int controls = 0;
    for (int step = 0; step < 200 && gate.on(); step++) {
      int g = gate.nextGamma();
      if (g == 0) {
        gate.recordPlain(100);
        controls++;
      } else {
        gate.recordRound(g, g - 1, g, 50L * g, 150L * g); // g tokens in 200·g
      }
    }
    assertFalse(gate.on(), "the control steps showed plain decoding faster than the rounds");
    assertTrue(controls >= 1 && controls <= 3, "control steps: " + controls);
  }

  @Test
  void fixedGammaAlwaysDraftsGamma() {
    SpeculationGate gate = new SpeculationGate(7, false);
    assertEquals(7, gate.nextGamma());
    gate.recordRound(7, 0, 7, 700, 1000);
    assertEquals(7, gate.nextGamma());
  }
}
