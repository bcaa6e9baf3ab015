package dev.fathom.retrieval.search;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.testing.TestCorpus;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HybridRetrieverIT {

  @Test
  void eachModeFindsWhatItIsGoodAt(@TempDir Path dir) {
    try (PassageIndex idx = TestCorpus.build(dir, TestEmbedder.shared())) {
      Retriever r =
          new HybridRetriever(idx, TestEmbedder.shared(), HybridRetriever.Settings.defaults());
      // Exact terms: BM25.
      assertEquals(
          "/docs/lucene.md",
          r.search("BM25 HNSW", SearchMode.BM25, 3).getFirst().passage().source());
      // No shared words, same meaning: only the dense side can find it.
      List<Hit> dense = r.search("which world is rusty red?", SearchMode.DENSE, 3);
      assertEquals("/docs/space.md", dense.getFirst().passage().source());
      List<Hit> hybrid = r.search("what do young felines eat", SearchMode.HYBRID, 3);
      assertEquals("/docs/pets.md", hybrid.getFirst().passage().source());
      assertEquals(List.of(1, 2, 3), hybrid.stream().map(Hit::rank).toList());
      assertTrue(hybrid.get(0).score() >= hybrid.get(1).score());
    }
  }

  @Test
  void kLimitsResultsAndBadRequestsAreRefused(@TempDir Path dir) {
    try (PassageIndex idx = TestCorpus.build(dir, TestEmbedder.shared())) {
      Retriever r =
          new HybridRetriever(idx, TestEmbedder.shared(), HybridRetriever.Settings.defaults());
      assertEquals(2, r.search("planet", SearchMode.HYBRID, 2).size());
      assertEquals(5, r.search("planet", SearchMode.DENSE, 50).size());
      assertThrows(IllegalArgumentException.class, () -> r.search("  ", SearchMode.HYBRID, 5));
      var e = assertThrows(IllegalArgumentException.class, () -> r.search("x", SearchMode.BM25, 0));
      assertTrue(e.getMessage().contains("[1, 1000]"));
    }
  }

  @Test
  void settingsNameTheBadValue() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new HybridRetriever.Settings(0, 60, 1, 1));
    assertTrue(e.getMessage().contains("candidates") && e.getMessage().contains("got 0"));
    assertThrows(IllegalArgumentException.class, () -> new HybridRetriever.Settings(10, 60, 0, 0));
  }
}
