package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class AttentionScoresTest {

  /** One layer, two heads, two passages of two tokens each. */
  static AttentionScores scores(float[][] query, float[][] free) {
    return new AttentionScores(
        new float[][][] {query},
        free == null ? null : new float[][][] {free},
        new int[] {0, 2},
        new int[] {2, 4});
  }

  @Test
  void rawScoreSumsTheMassOfEachPassageOverSelectedHeads() {
    AttentionScores a =
        scores(new float[][] {{0.1f, 0.1f, 0.3f, 0.3f}, {0.2f, 0.2f, 0f, 0f}}, null);
    assertArrayEquals(
        new double[] {0.6, 0.6}, a.passageScores(AttentionScores.HeadFilter.ALL, false), 1e-6);
    assertArrayEquals(new double[] {0.2, 0.6}, a.passageScores((l, h) -> h == 0, false), 1e-6);
    assertThrows(
        IllegalStateException.class, () -> a.passageScores(AttentionScores.HeadFilter.ALL, true));
  }

  @Test
  void calibrationSubtractsWhatTheContentFreeQueryAttendsTo() {
    // Passage 2 gets more attention only because of where it is: N/A attends to it as much.
    float[][] q = {{0.10f, 0.10f, 0.40f, 0.40f}, {0, 0, 0, 0}};
    float[][] na = {{0.05f, 0.05f, 0.40f, 0.40f}, {0, 0, 0, 0}};
    double[] s = scores(q, na).passageScores(AttentionScores.HeadFilter.ALL, true);
    assertEquals(0.10, s[0], 1e-6);
    assertEquals(0.0, s[1], 1e-6);
  }

  @Test
  void tokensFarBelowTheMeanAreDropped() {
    // Nine tokens at +0.01 and one at -1: mean - 2 std cuts the outlier (ICR's filter).
    float[] q = new float[10];
    float[] na = new float[10];
    for (int t = 0; t < 10; t++) q[t] = 0.01f;
    na[9] = 1.01f;
    AttentionScores a =
        new AttentionScores(
            new float[][][] {{q}}, new float[][][] {{na}}, new int[] {0, 5}, new int[] {5, 10});
    double[] s = a.passageScores(AttentionScores.HeadFilter.ALL, true);
    assertEquals(0.05, s[0], 1e-6);
    assertEquals(0.04, s[1], 1e-6, "the outlier token is not counted");
  }
}
