package dev.fathom.drafters.sampling;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.lm.GenerationSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

  /** Sampling settings: temperature, top-k, top-p, min-p; no penalty. */
  private static GenerationSettings settings(float t, int topK, float topP, float minP) {
    return new GenerationSettings(16, t, topK, topP, minP, 1f, 64, 7L, List.of());
  }

  private static GenerationSettings penalised(float penalty, int window) {
    return new GenerationSettings(16, 0f, 0, 1f, 0f, penalty, window, 7L, List.of());
  }

  private static float[] logitsOf(double... probs) {
    float[] l = new float[probs.length];
    for (int i = 0; i < probs.length; i++) l[i] = (float) Math.log(probs[i]);
    return l;
  }

  private static float[] softmax(float[] l, float t) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : l) max = Math.max(max, v);
    double z = 0;
    double[] e = new double[l.length];
    for (int i = 0; i < l.length; i++) z += e[i] = Math.exp((l[i] - max) / t);
    float[] p = new float[l.length];
    for (int i = 0; i < l.length; i++) p[i] = (float) (e[i] / z);
    return p;
  }

  @Test
  void argmaxTakesTheFirstLargestWithinItsRange() {
    float[] v = {9f, 0f, 1f, 3f, 3f, -1f, 7f};
    assertEquals(0, Sampler.argmax(v));
    assertEquals(2, Sampler.argmax(v, 1, 5), "counted from the offset, the lowest on ties");
    assertEquals(0, Sampler.argmax(v, 5, 1));
  }

  @Test
  void greedyTakesTheArgmaxAndTheLowestIdOnTies() {
    Sampler s = new Sampler(GenerationSettings.GREEDY);
    assertEquals(2, s.sample(new float[] {1f, 3f, 5f, 4f}));
    assertEquals(1, s.sample(new float[] {1f, 5f, 5f, 5f}));
    assertEquals(1, s.sample(new float[] {Float.NEGATIVE_INFINITY, -1f}));
    assertArrayEquals(new float[] {0f, 1f, 0f}, s.probabilities(new float[] {1f, 9f, 9f}));
  }

  @Test
  void greedyIgnoresPaddingBeyondTheVocabulary() {
    Sampler s = new Sampler(GenerationSettings.GREEDY);
    assertEquals(1, s.sample(new float[] {1f, 2f, 99f}, 2, new int[0], 0));
  }

  @Test
  void theSameSeedGivesTheSameTokensAndAnotherSeedOthers() {
    GenerationSettings g = settings(1f, 0, 1f, 0f);
    float[] logits = new float[1000];
    for (int i = 0; i < logits.length; i++) logits[i] = (float) Math.sin(i) * 3;
    int[] a = draws(new Sampler(g), logits, 200);
    int[] b = draws(new Sampler(g), logits, 200);
    int[] c = draws(new Sampler(g.withSeed(8L)), logits, 200);
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, c));
  }

  private static int[] draws(Sampler s, float[] logits, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = s.sample(logits);
    return out;
  }

  @Test
  void logitsAreNotModified() {
    float[] logits = {1f, 2f, 3f};
    float[] copy = logits.clone();
    new Sampler(settings(0.7f, 2, 0.9f, 0.05f)).sample(logits, 3, new int[] {2}, 1);
    assertArrayEquals(copy, logits);
  }

  @Test
  void topKKeepsTheKMostLikelyAndLowerIdsOnTies() {
    float[] p = new Sampler(settings(1f, 2, 1f, 0f)).probabilities(new float[] {1, 5, 3, 4, 2});
    float[] expected = softmax(new float[] {5, 4}, 1f);
    assertArrayEquals(new float[] {0, expected[0], 0, expected[1], 0}, p, 1e-6f);

    float[] ties = new Sampler(settings(1f, 2, 1f, 0f)).probabilities(new float[] {0, 2, 2, 2});
    assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0}, ties, 1e-6f);
  }

  @Test
  void topPKeepsTheShortestPrefixWhoseMassReachesP() {
    float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
    assertArrayEquals(
        new float[] {0.625f, 0.375f, 0, 0},
        new Sampler(settings(1f, 0, 0.75f, 0f)).probabilities(logits),
        1e-5f);
    float[] three = new Sampler(settings(1f, 0, 0.81f, 0f)).probabilities(logits);
    assertArrayEquals(new float[] {0.5f / 0.95f, 0.3f / 0.95f, 0.15f / 0.95f, 0}, three, 1e-5f);
    // The top token alone when it already reaches p.
    assertArrayEquals(
        new float[] {1, 0, 0, 0},
        new Sampler(settings(1f, 0, 0.4f, 0f)).probabilities(logits),
        1e-6f);
  }

  @Test
  void minPDropsTokensBelowAFractionOfTheTopProbability() {
    float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
    // 0.25 · 0.5 = 0.125: the 0.05 token goes, the 0.15 one stays.
    assertArrayEquals(
        new float[] {0.5f / 0.95f, 0.3f / 0.95f, 0.15f / 0.95f, 0},
        new Sampler(settings(1f, 0, 1f, 0.25f)).probabilities(logits),
        1e-5f);
  }

  @Test
  void temperatureComesBeforeTheFilters() {
    float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
    // At T = 2 the probabilities flatten to ∝ sqrt(p); 0.05 is then above a quarter of the top.
    float[] hot = new Sampler(settings(2f, 0, 1f, 0.25f)).probabilities(logits);
    assertTrue(hot[3] > 0, java.util.Arrays.toString(hot));
    float[] expected = softmax(logits, 2f);
    assertArrayEquals(expected, hot, 1e-5f);
    // At T = 0.5 they sharpen to ∝ p²: 0.15² / 0.5² = 0.09 < 0.25, so only two are left.
    float[] cold = new Sampler(settings(0.5f, 0, 1f, 0.25f)).probabilities(logits);
    assertArrayEquals(new float[] {0.25f / 0.34f, 0.09f / 0.34f, 0, 0}, cold, 1e-5f);
  }

  @Test
  void topPWorksOnTheDistributionLeftByTopK() {
    float[] logits = logitsOf(0.4, 0.3, 0.2, 0.1);
    // Top-2 renormalises to 4/7, 3/7; p = 0.5 is then reached by the first alone.
    assertArrayEquals(
        new float[] {1, 0, 0, 0},
        new Sampler(settings(1f, 2, 0.5f, 0f)).probabilities(logits),
        1e-6f);
  }

  @Test
  void theRepetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfRecentTokens() {
    Sampler s = new Sampler(penalised(2f, 64));
    // 2 → 1 and -0.5 → -1: token 2 (1.9) wins.
    assertEquals(2, s.sample(new float[] {2f, -0.5f, 1.9f}, 3, new int[] {0, 1}, 2));
    // Negative logits are pushed further down, not up.
    assertEquals(1, s.sample(new float[] {-1f, -1.5f}, 2, new int[] {0}, 1));
    // Once per distinct token: three repeats of 0 divide once (2 → 1 > 0.9).
    assertEquals(0, s.sample(new float[] {2f, 0.9f}, 2, new int[] {0, 0, 0}, 3));
  }

  @Test
  void theRepetitionPenaltyLooksOnlyAtTheWindow() {
    Sampler s = new Sampler(penalised(2f, 1));
    // Window 1: only the last token (1) is penalised; 0 keeps its 2.
    assertEquals(0, s.sample(new float[] {2f, 1.5f}, 2, new int[] {0, 1}, 2));
    // historyLength bounds the history: entries past it do not count.
    assertEquals(0, s.sample(new float[] {2f, 1.9f}, 2, new int[] {1, 0}, 1));
  }

  @Test
  void temperatureOneDrawsMatchTheSoftmax() {
    // Chi-square goodness of fit, 8 categories (7 degrees of freedom), fixed seed: the statistic
    // must stay below 24.32, the critical value at significance 0.001.
    float[] logits = {0.1f, 1.2f, -0.7f, 2.0f, 0.5f, -2.0f, 1.6f, 0.0f};
    float[] p = softmax(logits, 1f);
    Sampler s = new Sampler(settings(1f, 0, 1f, 0f).withSeed(12345L));
    int n = 200_000;
    int[] counts = new int[logits.length];
    for (int i = 0; i < n; i++) counts[s.sample(logits)]++;
    double chi2 = 0;
    for (int i = 0; i < logits.length; i++) {
      double expected = n * p[i];
      chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    }
    assertTrue(chi2 < 24.32, "chi-square " + chi2 + " ≥ 24.32");
  }

  @Test
  void sampleFromDrawsUnnormalisedWeightsInProportion() {
    SplittableRandom r = new SplittableRandom(3);
    float[] w = {0f, 3f, 0f, 1f};
    int[] counts = new int[4];
    for (int i = 0; i < 40_000; i++) counts[Sampler.sampleFrom(w, r)]++;
    assertEquals(0, counts[0] + counts[2]);
    assertEquals(0.75, counts[1] / 40_000.0, 0.01);
    assertThrows(IllegalArgumentException.class, () -> Sampler.sampleFrom(new float[] {0f, 0f}, r));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Sampler.sampleFrom(new float[] {1f, -1f}, r));
    assertTrue(e.getMessage().contains("weight 1 is -1.0"), e.getMessage());
  }

  @Test
  void badLogitsFailNamingTheToken() {
    Sampler s = new Sampler(settings(1f, 0, 1f, 0f));
    IllegalArgumentException nan =
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[] {1f, Float.NaN}));
    assertTrue(nan.getMessage().contains("logit 1 is NaN"), nan.getMessage());
    IllegalArgumentException inf =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.probabilities(new float[] {Float.POSITIVE_INFINITY}));
    assertTrue(inf.getMessage().contains("Infinity"), inf.getMessage());
    IllegalArgumentException masked =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.sample(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    assertTrue(masked.getMessage().contains("masked"), masked.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.sample(new float[2], 3, new int[0], 0));
    IllegalArgumentException history =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Sampler(penalised(1.5f, 4)).sample(new float[2], 2, new int[] {5}, 1));
    assertTrue(history.getMessage().contains("token 5"), history.getMessage());
  }

  @Test
  void maskedTokensAreNeverDrawn() {
    float[] logits = {Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY, 0f};
    Sampler s = new Sampler(settings(1f, 3, 1f, 0f));
    for (int i = 0; i < 1000; i++) {
      int t = s.sample(logits);
      assertTrue(t == 1 || t == 3, "drew masked token " + t);
    }
  }
}
