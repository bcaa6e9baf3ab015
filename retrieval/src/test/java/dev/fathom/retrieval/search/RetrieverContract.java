package dev.fathom.retrieval.search;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link Retriever} must do, whatever it ranks with. An implementation's test extends
 * this class and supplies a retriever over an index holding the {@code testing.TestCorpus} passages
 * (one on Lucene ranking, one on Kafka partitions, others far from both).
 */
public abstract class RetrieverContract {

  /** The retriever under test, over the test corpus. */
  protected abstract Retriever retriever();

  @ParameterizedTest
  @EnumSource(SearchMode.class)
  void returnsAtMostKHitsRankedFromOneBestFirst(SearchMode mode) {
    List<Hit> hits = retriever().search("How does Lucene rank documents with BM25?", mode, 3);
    assertFalse(hits.isEmpty(), mode + " found nothing");
    assertTrue(hits.size() <= 3, mode + " returned " + hits.size() + " hits for k=3");
    for (int i = 0; i < hits.size(); i++) {
      assertEquals(i + 1, hits.get(i).rank(), mode + " ranks");
      if (i > 0) {
        assertTrue(
            hits.get(i).score() <= hits.get(i - 1).score(), mode + " scores rise at rank " + i);
      }
    }
    assertEquals(
        hits.size(),
        hits.stream().map(h -> h.passage().id()).distinct().count(),
        mode + " returned a passage twice");
  }

  @Test
  void theMostRelevantPassageComesFirst() {
    assertEquals(
        "Lucene",
        retriever()
            .search("Lucene BM25 ranking and HNSW vectors", SearchMode.HYBRID, 3)
            .getFirst()
            .passage()
            .title());
  }

  @Test
  void aBlankQueryOrANonPositiveKIsRefused() {
    Retriever r = retriever();
    assertThrows(IllegalArgumentException.class, () -> r.search("  ", SearchMode.HYBRID, 3));
    assertThrows(IllegalArgumentException.class, () -> r.search("kafka", SearchMode.HYBRID, 0));
  }

  @Test
  void isSafeToCallFromManyThreads() throws Exception {
    Retriever r = retriever();
    List<Hit> expected = r.search("Kafka partitions replicated", SearchMode.HYBRID, 2);
    try (var pool = Executors.newFixedThreadPool(4)) {
      List<Future<List<Hit>>> results =
          pool.invokeAll(
              java.util.Collections.nCopies(
                  8, () -> r.search("Kafka partitions replicated", SearchMode.HYBRID, 2)));
      for (Future<List<Hit>> f : results) {
        assertEquals(
            expected.stream().map(h -> h.passage().id()).toList(),
            f.get().stream().map(h -> h.passage().id()).toList());
      }
    }
  }
}
