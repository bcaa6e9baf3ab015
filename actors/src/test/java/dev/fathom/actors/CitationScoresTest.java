package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.answer.Citation;
import dev.fathom.answer.CitedScore;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.search.Relevance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CitationScoresTest {

  private static final Passage LEASE_1 =
      new Passage("lease.md#0", "lease.md", "Lease", "The lease ends in May.", 0, 22);
  private static final Passage LEASE_2 =
      new Passage("lease.md#1", "lease.md", "Lease", "Notice is due in March.", 23, 46);
  private static final Passage CAR =
      new Passage("car.md#0", "car.md", "Car", "The car is red.", 0, 15);
  private static final List<Hit> HITS =
      List.of(new Hit(LEASE_2, 0.06f, 1), new Hit(CAR, 0.04f, 2), new Hit(LEASE_1, 0.02f, 3));

  @Test
  void aCitationCarriesTheSearchRelevanceAndRawScoreOfThePassageItQuotes() {
    Map<String, Double> relevance =
        Relevance.of(HITS, SearchMode.HYBRID, HybridRetriever.Settings.defaults());
    List<Citation> cited =
        List.of(
            // a sentence inside the first lease passage, as an extractive answer cites it
            new Citation(1, "lease.md", "Lease", 4, 9, "lease"),
            new Citation(2, "lease.md", "Lease", 23, 46, "Notice is due in March."));

    Map<Integer, CitedScore> scores = CitationScores.of(cited, HITS, relevance);

    assertEquals(new CitedScore(relevance.get("lease.md#0"), 0.02f), scores.get(1));
    assertEquals(new CitedScore(relevance.get("lease.md#1"), 0.06f), scores.get(2));
    assertTrue(scores.get(2).relevance() > scores.get(1).relevance(), scores.toString());
  }

  @Test
  void citationsOfNoRetrievedPassageOrWithoutAScaleGetNoScore() {
    Map<String, Double> relevance =
        Relevance.of(HITS, SearchMode.BM25, HybridRetriever.Settings.defaults());
    List<Citation> cited =
        List.of(
            new Citation(1, "other.md", "Other", 0, 5, "x"),
            new Citation(2, "car.md", "Car", 10, 40, "beyond the passage"));
    assertEquals(Map.of(), CitationScores.of(cited, HITS, relevance));
    assertEquals(
        Map.of(),
        CitationScores.of(List.of(new Citation(1, "car.md", "Car", 0, 15, "c")), HITS, Map.of()));
  }
}
