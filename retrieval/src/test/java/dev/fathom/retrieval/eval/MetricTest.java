package dev.fathom.retrieval.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricTest {

  @Test
  void parsesNameAndCutoff() {
    assertEquals(new Metric(Metric.Kind.NDCG, 10), Metric.parse("ndcg@10"));
    assertEquals(new Metric(Metric.Kind.MRR, 10), Metric.parse("MRR@10"));
    assertEquals(new Metric(Metric.Kind.RECALL, 100), Metric.parse("recall@100"));
  }

  @Test
  void printsItsCanonicalName() {
    assertEquals("recall@5", Metric.parse("Recall@5").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ndcg", "ndcg@", "@10", "ndcg@ten", "ndcg@0", "ndcg@-1"})
  void rejectsMalformedNamesNamingThem(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metric.parse(text));
    assertTrue(e.getMessage().contains(text.replace("ndcg@", "")), e.getMessage());
  }

  @Test
  void rejectsUnknownMetricAsUnsupported() {
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> Metric.parse("map@10"));
    assertTrue(e.getMessage().contains("'map'"), e.getMessage());
  }
}
