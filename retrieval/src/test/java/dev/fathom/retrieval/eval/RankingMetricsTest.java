package dev.fathom.retrieval.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

  private static final double EPS = 1e-12;

  // d4 is judged non-relevant; d5 is unjudged.
  private static final Map<String, Integer> GRADED = Map.of("d1", 3, "d2", 2, "d3", 1, "d4", 0);
  private static final List<String> RUN = List.of("d3", "d4", "d1", "d5", "d2");

  @Test
  void ndcgUsesLinearGainAndLog2Discount() {
    // DCG@3  = 1/log2(2) + 0/log2(3) + 3/log2(4)           = 1 + 0 + 1.5           = 2.5
    // IDCG@3 = 3/log2(2) + 2/log2(3) + 1/log2(4)           = 3 + 1.2618595 + 0.5   = 4.7618595
    // nDCG@3 = 2.5 / 4.7618595                                                      = 0.5250050
    // (exponential gain 2^g - 1 would give 4.5 / 9.3927 = 0.479, so this pins linear gain.)
    double idcg3 = 3 + 2 / log2(3) + 1 / log2(4);
    assertEquals(2.5 / idcg3, RankingMetrics.ndcg(RUN, GRADED, 3), EPS);
    assertEquals(0.5250049893849101, RankingMetrics.ndcg(RUN, GRADED, 3), 1e-12);
  }

  @Test
  void ndcgIdealCountsOnlyAsManyRelevantDocsAsExist() {
    // DCG@5  = 2.5 + 0/log2(5) + 2/log2(6) = 2.5 + 0.7737056         = 3.2737056
    // IDCG@5 = IDCG@3, there being only three relevant docs          = 4.7618595
    // nDCG@5 = 3.2737056 / 4.7618595                                 = 0.6874847
    assertEquals(0.6874847125494647, RankingMetrics.ndcg(RUN, GRADED, 5), 1e-12);
    assertEquals(RankingMetrics.ndcg(RUN, GRADED, 5), RankingMetrics.ndcg(RUN, GRADED, 10), EPS);
  }

  @Test
  void ndcgIdealUsesAllJudgedGradesEvenWhenTheRunMissesThem() {
    // qrels a=4, b=4, c=1; run retrieves only c.
    // nDCG@1 = (1/log2 2) / (4/log2 2)                       = 1/4  = 0.25
    // nDCG@2 = 1 / (4 + 4/log2 3) = 1 / (4 + 2.5237190)      = 0.1532868
    Map<String, Integer> qrels = Map.of("a", 4, "b", 4, "c", 1);
    assertEquals(0.25, RankingMetrics.ndcg(List.of("c", "x"), qrels, 1), EPS);
    assertEquals(1 / (4 + 4 / log2(3)), RankingMetrics.ndcg(List.of("c", "x"), qrels, 2), EPS);
  }

  @Test
  void perfectRankingScoresOne() {
    List<String> ideal = List.of("d1", "d2", "d3");
    for (int k : new int[] {1, 2, 3, 10}) {
      assertEquals(1.0, RankingMetrics.ndcg(ideal, GRADED, k), EPS, "ndcg@" + k);
    }
    assertEquals(1.0, RankingMetrics.mrr(ideal, GRADED, 10), EPS);
    assertEquals(1.0, RankingMetrics.recall(ideal, GRADED, 3), EPS);
  }

  @Test
  void tiesInGradeMakeEitherOrderPerfect() {
    Map<String, Integer> qrels = Map.of("a", 2, "b", 2);
    assertEquals(1.0, RankingMetrics.ndcg(List.of("b", "a"), qrels, 2), EPS);
  }

  @Test
  void queryWithoutRelevantDocsScoresZeroOnEveryMetric() {
    Map<String, Integer> onlyNonRelevant = Map.of("d4", 0, "d9", -1);
    List<String> run = List.of("d4", "d9");
    assertEquals(0.0, RankingMetrics.ndcg(run, onlyNonRelevant, 10));
    assertEquals(0.0, RankingMetrics.mrr(run, onlyNonRelevant, 10));
    assertEquals(0.0, RankingMetrics.recall(run, onlyNonRelevant, 10));
    assertEquals(0.0, RankingMetrics.ndcg(run, Map.of(), 10));
  }

  @Test
  void emptyRunScoresZero() {
    assertEquals(0.0, RankingMetrics.ndcg(List.of(), GRADED, 10));
    assertEquals(0.0, RankingMetrics.mrr(List.of(), GRADED, 10));
    assertEquals(0.0, RankingMetrics.recall(List.of(), GRADED, 10));
  }

  @Test
  void mrrIsReciprocalRankOfFirstRelevantWithinCutoff() {
    List<String> run = List.of("x", "d4", "d2", "d1");
    assertEquals(1.0 / 3, RankingMetrics.mrr(run, GRADED, 10), EPS);
    assertEquals(1.0 / 3, RankingMetrics.mrr(run, GRADED, 3), EPS);
    assertEquals(0.0, RankingMetrics.mrr(run, GRADED, 2), "first relevant is at rank 3 > k");
  }

  @Test
  void recallCountsRelevantInTopKOverAllRelevant() {
    // Relevant: d1, d2, d3. Top 3 of RUN = d3, d4, d1 -> 2 of 3.
    assertEquals(2.0 / 3, RankingMetrics.recall(RUN, GRADED, 3), EPS);
    assertEquals(1.0 / 3, RankingMetrics.recall(RUN, GRADED, 1), EPS);
    assertEquals(1.0, RankingMetrics.recall(RUN, GRADED, 5), EPS);
    assertEquals(1.0, RankingMetrics.recall(RUN, GRADED, 100), EPS, "k beyond the run's length");
  }

  @Test
  void gradeZeroAndNegativeGradesAreNotRelevant() {
    Map<String, Integer> qrels = Map.of("good", 1, "zero", 0, "bad", -2);
    List<String> run = List.of("zero", "bad", "good");
    assertEquals(1.0 / 3, RankingMetrics.mrr(run, qrels, 10), EPS);
    assertEquals(0.0, RankingMetrics.recall(run, qrels, 2));
    // DCG@3 = 1/log2(4) = 0.5, IDCG@3 = 1.
    assertEquals(0.5, RankingMetrics.ndcg(run, qrels, 3), EPS);
  }

  @Test
  void duplicateIdsCountOnceAndLaterDocsMoveUp() {
    Map<String, Integer> qrels = Map.of("a", 1, "b", 1);
    List<String> withDuplicates = List.of("a", "a", "a", "b");
    // De-duplicated run is a, b: both inside the top 2.
    assertEquals(1.0, RankingMetrics.recall(withDuplicates, qrels, 2), EPS);
    assertEquals(1.0, RankingMetrics.ndcg(withDuplicates, qrels, 2), EPS);
    // A duplicate of a relevant doc cannot earn gain twice.
    assertEquals(
        RankingMetrics.ndcg(List.of("a"), qrels, 3),
        RankingMetrics.ndcg(List.of("a", "a", "a"), qrels, 3),
        EPS);
    assertEquals(0.5, RankingMetrics.recall(List.of("a", "a"), qrels, 2), EPS);
    assertEquals(0.5, RankingMetrics.mrr(List.of("x", "x", "b"), qrels, 2), EPS);
  }

  @Test
  void cutoffBelowOneIsRejectedNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.ndcg(RUN, GRADED, 0));
    assertEquals("cut-off k must be >= 1, got 0", e.getMessage());
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
