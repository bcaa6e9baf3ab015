package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeedbackFeaturesTest {

  static PassageTerms terms(String... tokens) {
    return PassageTerms.of(List.of(), List.of(List.of(tokens)), List.of(tokens), tokens.length);
  }

  @Test
  void rm3MixesTheQuestionWithTheFeedbackPassagesTopTerms() {
    List<PassageTerms> feedback =
        List.of(
            terms("flutter", "wing", "panel", "panel", "1962"),
            terms("flutter", "panel", "supersonic"));
    Map<String, Double> q =
        FeedbackFeatures.rm3(Set.of("flutter", "wing"), feedback, new float[] {2, 1});
    double sum = q.values().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(1.0, sum, 1e-9, "both sides sum to one");
    assertFalse(q.containsKey("1962"), "numbers are not expansion terms");
    assertTrue(q.containsKey("panel"), "the feedback passages' shared term expands the query");
    assertTrue(q.get("flutter") > q.get("panel"), "a question term also in feedback weighs most");
    assertTrue(q.get("panel") > q.get("supersonic"));
    // Without feedback the question keeps all the weight.
    assertEquals(
        Map.of("flutter", 0.25, "wing", 0.25),
        FeedbackFeatures.rm3(Set.of("flutter", "wing"), List.of(), new float[0]));
  }

  @Test
  void expandedBm25RewardsPassagesWithTheFeedbackVocabulary() {
    Map<String, Double> query = Map.of("flutter", 0.4, "panel", 0.6);
    Map<String, Double> idf = Map.of("flutter", 1.0, "panel", 2.0);
    PassageTerms a = terms("panel", "vibration", "test");
    PassageTerms b = terms("heat", "transfer", "test");
    assertTrue(FeedbackFeatures.bm25(query, idf, a, 3) > 0);
    assertEquals(0, FeedbackFeatures.bm25(query, idf, b, 3));
    // tf 1, length = average: weight · idf · (k1 + 1) / (1 + k1) = 0.6 · 2.
    assertEquals(1.2, FeedbackFeatures.bm25(query, idf, a, 3), 1e-9);
  }

  static float[] unit(float... v) {
    double n = 0;
    for (float x : v) n += x * x;
    for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
    return v;
  }

  @Test
  void rocchioFromDotProductsEqualsTheCosineToTheFeedbackVector() {
    float[] q = unit(1, 0, 0, 0);
    List<float[]> top = List.of(unit(1, 1, 0, 0), unit(1, 0, 1, 0), unit(0, 0, 1, 1));
    float[] c = unit(1, 2, 3, 4);
    float[] r = q.clone();
    for (float[] v : top) for (int i = 0; i < r.length; i++) r[i] += v[i];
    unit(r);
    float[] topScores = new float[top.size()];
    for (int j = 0; j < top.size(); j++) topScores[j] = FeedbackFeatures.dot(q, top.get(j));
    double norm = FeedbackFeatures.rocchioNorm(top, topScores);
    float viaDots = FeedbackFeatures.rocchio(c, FeedbackFeatures.dot(q, c), top, norm);
    assertEquals(FeedbackFeatures.dot(c, r), viaDots, 1e-6);
    assertEquals(0f, FeedbackFeatures.rocchio(null, 0.5f, top, norm), "no vector: 0");
  }

  @Test
  void neighbourAgreementIsTheMeanCosineToTheOtherTopCandidates() {
    List<float[]> v = new ArrayList<>();
    v.add(unit(1, 0));
    v.add(unit(1, 0));
    v.add(unit(0, 1));
    v.add(null);
    float[] a = FeedbackFeatures.neighbourAgreement(v);
    assertEquals(0.5f, a[0], 1e-6); // (1 + 0) / 2
    assertEquals(0.5f, a[1], 1e-6);
    assertEquals(0f, a[2], 1e-6);
    assertEquals(0f, a[3], "no vector: 0");
  }
}
