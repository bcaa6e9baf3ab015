package dev.fathom.retrieval.conversation;

import static dev.fathom.retrieval.conversation.Turns.answered;
import static dev.fathom.retrieval.conversation.Turns.window;
import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.memory.session.Citation;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.search.Retriever;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryAwareRetrieverTest {

  private static Hit hit(String source, String title, int rank) {
    return new Hit(
        new Passage(source + "#" + rank, source, title, "Text " + rank + ". More.", 0, 10),
        1f / rank,
        rank);
  }

  /** Records the queries it is asked and returns two passages of one source and one of another. */
  private static final class Recording implements Retriever {
    final List<String> queries = new ArrayList<>();

    @Override
    public List<Hit> search(String query, SearchMode mode, int k) {
      queries.add(query);
      return List.of(
          hit("lease.pdf", "Lease", 1),
          hit("lease.pdf", "Lease", 2),
          hit("rules.md", "House rules", 3));
    }

    @Override
    public List<Hit> search(String query, float[] v, SearchMode mode, int k) {
      return search(query, mode, k);
    }
  }

  @Test
  void theRewrittenQueryIsWhatIsSearched() {
    Recording r = new Recording();
    var result =
        new HistoryAwareRetriever(r, new SubjectRewriter())
            .search(
                "When does it end?",
                window(answered(1, "What does the Lease say about pets?", "No pets.", "Lease")),
                SearchMode.HYBRID,
                5);
    assertEquals(List.of("When does Lease end?"), r.queries);
    assertEquals("When does it end?", result.rewrite().question());
    assertEquals(3, result.hits().size());
  }

  @Test
  void citationsAreTheFirstDistinctSources() {
    List<Hit> hits = new Recording().search("q", SearchMode.HYBRID, 3);
    assertEquals(
        List.of(new Citation("lease.pdf", "Lease"), new Citation("rules.md", "House rules")),
        HistoryAwareRetriever.citations(hits, 3));
    assertEquals(
        List.of(new Citation("lease.pdf", "Lease")), HistoryAwareRetriever.citations(hits, 1));
    assertThrows(IllegalArgumentException.class, () -> HistoryAwareRetriever.citations(hits, 0));
    TurnAnswerer.Answered a = TurnAnswerer.topPassages(2).answer("q", hits);
    assertEquals("Text 1. [1]", a.text());
    assertEquals(2, a.citations().size());
  }
}
