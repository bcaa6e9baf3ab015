package dev.fathom.retrieval.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricSummaryTest {

  private static final double EPS = 1e-12;

  @Test
  void averagesEachMetricOverQueriesInRequestedOrder() {
    MetricSummary summary = MetricSummary.of("recall@10", "mrr@10", "ndcg@10");
    // Query 1: relevant doc at rank 1. Query 2: relevant doc at rank 2. Query 3: not retrieved.
    summary.add(List.of("a", "x"), Map.of("a", 1));
    summary.add(List.of("x", "b"), Map.of("b", 1));
    summary.add(List.of("x", "y"), Map.of("c", 1));

    Map<String, Double> means = summary.means();
    assertEquals(List.of("recall@10", "mrr@10", "ndcg@10"), List.copyOf(means.keySet()));
    assertEquals(3, summary.queries());
    assertEquals(2.0 / 3, means.get("recall@10"), EPS);
    assertEquals((1 + 0.5 + 0) / 3, means.get("mrr@10"), EPS);
    // nDCG of the rank-2 hit: (1/log2 3) / 1 = 0.6309298.
    assertEquals((1 + 1 / (Math.log(3) / Math.log(2)) + 0) / 3, means.get("ndcg@10"), EPS);
  }

  @Test
  void addReturnsThisQuerysValues() {
    MetricSummary summary = MetricSummary.of(List.of("recall@1", "recall@2"));
    Map<String, Double> values = summary.add(List.of("x", "b"), Map.of("b", 1));
    assertEquals(Map.of("recall@1", 0.0, "recall@2", 1.0), values);
  }

  @Test
  void meansOfNoQueriesIsAnError() {
    MetricSummary summary = MetricSummary.of("ndcg@10");
    assertThrows(IllegalStateException.class, summary::means);
  }

  @Test
  void rejectsEmptyAndRepeatedNames() {
    assertThrows(IllegalArgumentException.class, () -> MetricSummary.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> MetricSummary.of("mrr@10", "mrr@10"));
  }
}
