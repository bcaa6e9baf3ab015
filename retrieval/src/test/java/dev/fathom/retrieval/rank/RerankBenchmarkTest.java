package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.search.Retriever;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class RerankBenchmarkTest {

  /** Returns k numbered hits for any query. */
  static final Retriever RETRIEVER =
      new Retriever() {
        @Override
        public List<Hit> search(String query, SearchMode mode, int k) {
          int[] relevance = new int[k];
          for (int i = 0; i < k; i++) relevance[i] = i;
          return ListwiseRankerTest.hits(relevance);
        }

        @Override
        public List<Hit> search(String query, float[] vector, SearchMode mode, int k) {
          return search(query, mode, k);
        }
      };

  @Test
  void oneRowPerRankerAndCandidateCount() {
    ScriptedChatModel model = new ScriptedChatModel(100_000, ListwiseRankerTest::oracle);
    List<RerankBenchmark.Row> rows =
        RerankBenchmark.run(
            List.of("a", "b", "c", "d"),
            RETRIEVER,
            List.of(Ranker.none(), new ListwiseRanker(model, ListwiseSettings.defaults())),
            new int[] {20, 50},
            1);
    assertEquals(
        List.of("none 20", "listwise 20", "none 50", "listwise 50"),
        rows.stream().map(r -> r.ranker() + " " + r.candidates()).toList());
    assertTrue(rows.stream().allMatch(r -> r.questions() == 3 && r.p95Millis() >= r.p50Millis()));
    assertTrue(rows.stream().allMatch(r -> r.cpuP50Millis() >= 0), "CPU time measured");
    // 4 questions × (1 window at 20 + 4 windows at 50).
    assertEquals(4 * (1 + 4), model.chats.size());
  }

  @Test
  void needsMoreQuestionsThanWarmUp() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RerankBenchmark.run(
                    List.of("a"), RETRIEVER, List.of(Ranker.none()), new int[] {5}, 1));
    assertTrue(e.getMessage().contains("1 warm-up"));
  }
}
