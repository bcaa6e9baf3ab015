package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.index.ScoredPassage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentSignalsTest {

  static Passage p(String id) {
    return new Passage(id, id, "", "text " + id, 0, 6);
  }

  static List<Hit> hits(String... ids) {
    Hit[] out = new Hit[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = new Hit(p(ids[i]), 1f / (i + 1), i + 1);
    return List.of(out);
  }

  static List<ScoredPassage> list(float score, String... ids) {
    return java.util.Arrays.stream(ids).map(id -> new ScoredPassage(p(id), score)).toList();
  }

  final AtomicLong now = new AtomicLong(1_000);
  final RecentSignals memo = new RecentSignals(3, 500, now::get);

  @Test
  void theRankerTakesTheListsOfTheSearchThatReturnedItsCandidates() {
    memo.searched("q", hits("a", "b"), list(5f, "a", "c"), list(0.5f, "b", "a"));
    memo.searched("q", hits("b", "a"), list(7f, "b"), list(0.7f, "a"));
    CandidateSignals s = memo.take("q", hits("b", "a")).orElseThrow();
    assertEquals(7f, s.bm25().getFirst().score(), "the search with these hits, in this order");
    assertEquals(1, memo.size());
    assertTrue(memo.take("q", hits("b", "a")).isEmpty(), "taken once");
    assertEquals(5f, memo.take("q", hits("a", "b")).orElseThrow().bm25().getFirst().score());
    assertEquals(0, memo.size());
  }

  @Test
  void theQuestionsVectorTravelsWithTheLists() {
    float[] v = {0.6f, 0.8f};
    memo.searched("q", v, hits("a"), list(5f, "a"), list(0.5f, "a"));
    assertArrayEquals(v, memo.take("q", hits("a")).orElseThrow().query());
    memo.searched("q", hits("a"), list(5f, "a"), list(0.5f, "a"));
    assertNull(memo.take("q", hits("a")).orElseThrow().query(), "a caller without the vector");
  }

  @Test
  void otherQueriesOrOtherCandidatesFindNothing() {
    memo.searched("q", hits("a", "b"), list(5f, "a"), list(0.5f, "b"));
    assertTrue(memo.take("other", hits("a", "b")).isEmpty());
    assertTrue(memo.take("q", hits("a")).isEmpty(), "cut candidates");
    assertTrue(memo.take("q", hits("b", "a")).isEmpty(), "reordered candidates");
    assertEquals(1, memo.size(), "a miss leaves the entry");
  }

  @Test
  void boundedByCapacityOldestFirst() {
    memo.searched("q1", hits("a"), list(1f, "a"), list(0.1f, "a"));
    now.addAndGet(1);
    memo.searched("q2", hits("a"), list(2f, "a"), list(0.1f, "a"));
    now.addAndGet(1);
    memo.searched("q1", hits("b"), list(3f, "b"), list(0.1f, "b"));
    now.addAndGet(1);
    memo.searched("q3", hits("a"), list(4f, "a"), list(0.1f, "a"));
    assertEquals(3, memo.size());
    assertTrue(memo.take("q1", hits("a")).isEmpty(), "the oldest was evicted");
    assertTrue(memo.take("q1", hits("b")).isPresent());
    assertTrue(memo.take("q2", hits("a")).isPresent());
  }

  @Test
  void entriesExpire() {
    memo.searched("q", hits("a"), list(1f, "a"), list(0.1f, "a"));
    now.addAndGet(501);
    assertTrue(memo.take("q", hits("a")).isEmpty());
    assertEquals(0, memo.size());
  }

  @Test
  void badSettingsAreRefusedNamingTheRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> new RecentSignals(0, 1, now::get));
    assertEquals("capacity must be in [1, 100000], got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RecentSignals(1, 0, now::get));
    assertEquals("ttlMillis must be in [1, 86400000], got 0", e.getMessage());
  }

  @Test
  void truncateKeepsTheTopOfEachList() {
    CandidateSignals s = new CandidateSignals(list(1f, "a", "b", "c"), list(0.1f, "a"));
    CandidateSignals t = s.truncate(2);
    assertEquals(2, t.bm25().size());
    assertEquals(1, t.dense().size());
    assertSame(s, s.truncate(3));
  }
}
