package dev.fathom.drafters.speculative;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@link DraftJudge}: RAPID's accept-or-replace rule on scripted distributions. */
class DraftJudgeTest {

  /** A policy whose distribution is always {@code p}, whatever the logits. */
  private static SamplingPolicy fixed(float[] p, boolean greedy) {
    RandomGenerator rng = new SplittableRandom(7);
    return new SamplingPolicy() {
      @Override
      public boolean greedy() {
        return greedy;
      }

      @Override
      public float[] probabilities(float[] logits, int off, int vocab, int[] h, int n) {
        return p.clone();
      }

      @Override
      public RandomGenerator random() {
        return rng;
      }
    };
  }

  private static final IntList NO_HISTORY = IntList.of(new int[0]);

  @Test
  void greedyAtEtaZeroAcceptsTheTargetsArgmaxAndOtherwiseReplacesItByIt() {
    DraftJudge j = new DraftJudge(RapidSettings.DEFAULTS, fixed(new float[3], true), 3);
    float[] logits = {0f, 1f, 5f, /* second row */ 9f, 0f, 0f};
    assertEquals(DraftJudge.ACCEPTED, j.judge(logits, 0, null, 2, NO_HISTORY));
    assertEquals(2, j.judge(logits, 0, null, 1, NO_HISTORY));
    assertEquals(0, j.judge(logits, 3, null, 2, NO_HISTORY), "the second row's argmax");
    assertEquals(0, j.pick(logits, 3, NO_HISTORY));
  }

  @Test
  void sampledDraftsTheTargetAgreesWithAreAlwaysAccepted() {
    // p(x) / q(x) = 1 for x = 0: accepted whatever the draw.
    float[] p = {0.5f, 0.5f, 0f};
    DraftJudge j = new DraftJudge(RapidSettings.DEFAULTS, fixed(p, false), 3);
    for (int i = 0; i < 50; i++) {
      assertEquals(DraftJudge.ACCEPTED, j.judge(new float[3], 0, p, 0, NO_HISTORY));
    }
  }

  @Test
  void aDraftTheTargetNeverPicksIsReplacedFromTheResidual() {
    // p(2) = 0: always rejected; the residual max(0, p − q) puts no mass on 2.
    float[] p = {0.5f, 0.5f, 0f};
    float[] q = {0f, 0.2f, 0.8f};
    DraftJudge j = new DraftJudge(RapidSettings.DEFAULTS, fixed(p, false), 3);
    boolean sawZero = false;
    for (int i = 0; i < 50; i++) {
      int r = j.judge(new float[3], 0, q, 2, NO_HISTORY);
      assertTrue(r == 0 || r == 1, "replacement " + r);
      sawZero |= r == 0;
    }
    assertTrue(sawZero, "the residual favours 0 (0.5 − 0) over 1 (0.5 − 0.2)");
  }
}
