package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionPolicyTest {

  private static final boolean[] PLAIN = new boolean[4];

  @Test
  void nothingReachesTheEmptyThresholdSoTheEvidenceIsEmpty() {
    var p = new SelectionPolicy(0.3, 0.5, 64, 3);
    assertEquals(
        List.of(), p.choose(new double[] {0.1, 0.29, 0.2, 0.0}, new int[] {5, 5, 5, 5}, PLAIN));
  }

  @Test
  void theBestIsKeptAndFurtherSentencesOnlyFromKeepFrom() {
    var p = new SelectionPolicy(0.1, 0.5, 96, 3);
    // 32 tokens each: the probability per 32 tokens is the probability.
    assertEquals(
        List.of(1, 3),
        p.choose(new double[] {0.2, 0.9, 0.4, 0.6}, new int[] {32, 32, 32, 32}, PLAIN));
  }

  @Test
  void aWholeSentenceAndItsSpansExcludeEachOther() {
    var p = new SelectionPolicy(0.1, 0.1, 200, 4);
    // Sentence 0 cut into spans 0 and 1 and offered whole as unit 2; sentence 1 is unit 3.
    int[] sentence = {0, 0, 0, 1};
    int[] pieces = {2, 2, 1, 1};
    int[] tokens = {16, 16, 32, 32};
    // The whole sentence is best: its spans are not kept besides it.
    assertEquals(
        List.of(2, 3),
        p.choose(new double[] {0.5, 0.4, 0.9, 0.3}, tokens, PLAIN, sentence, pieces));
    // A span is best: the whole sentence is not kept besides it, its sibling span may be.
    assertEquals(
        List.of(0, 1, 3),
        p.choose(new double[] {0.9, 0.4, 0.8, 0.3}, tokens, PLAIN, sentence, pieces));
  }

  @Test
  void laterSentencesArePaidForByTheirProbabilityPerToken() {
    var p = new SelectionPolicy(0.1, 0.5, 200, 3);
    // 0.4 over 16 tokens is 0.8 per 32 and is kept; 0.45 over 64 tokens is 0.225 per 32 and is
    // not, although it is the likelier sentence.
    assertEquals(
        List.of(0, 2),
        p.choose(new double[] {0.9, 0.45, 0.4}, new int[] {30, 64, 16}, new boolean[3]));
    // Fragments count as 8 tokens: 0.1 over 2 tokens is 0.4 per 32, under 0.5.
    assertEquals(List.of(0), p.choose(new double[] {0.9, 0.1}, new int[] {30, 2}, new boolean[2]));
  }

  @Test
  void theBudgetAndTheCapHold() {
    var p = new SelectionPolicy(0, 0, 20, 2);
    // 1 is best (12 tokens); 0 (10 more) would exceed 20, so 2 (5) follows; the cap stops there.
    assertEquals(
        List.of(1, 2),
        p.choose(new double[] {0.8, 0.9, 0.7, 0.6}, new int[] {10, 12, 5, 8}, PLAIN));
    // The best sentence alone may exceed the budget by half, not more.
    assertEquals(
        List.of(1),
        new SelectionPolicy(0, 0, 20, 1)
            .choose(new double[] {0.1, 0.9}, new int[] {5, 30}, new boolean[2]));
    assertEquals(
        List.of(0),
        new SelectionPolicy(0, 0, 20, 1)
            .choose(new double[] {0.1, 0.9}, new int[] {5, 31}, new boolean[2]));
  }

  @Test
  void aSentenceThatAddressesTheModelIsKeptOnlyWhenNothingElseIsRelevant() {
    var p = new SelectionPolicy(0.3, 0.3, 64, 3);
    boolean[] demoted = {true, false};
    assertEquals(List.of(1), p.choose(new double[] {0.99, 0.5}, new int[] {5, 5}, demoted));
    assertEquals(List.of(0), p.choose(new double[] {0.99, 0.1}, new int[] {5, 5}, demoted));
  }

  @Test
  void badValuesAreRefusedWithTheirRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> new SelectionPolicy(1.5, 0, 1, 1));
    assertTrue(e.getMessage().contains("emptyBelow must be in [0, 1], got 1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SelectionPolicy(0, 0, 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SelectionPolicy(0, 0, 1, 1).choose(new double[2], new int[1], new boolean[2]));
  }
}
