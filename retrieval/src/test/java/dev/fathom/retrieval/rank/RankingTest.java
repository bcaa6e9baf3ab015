package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankingTest {

  static Hit hit(String id, int rank) {
    return new Hit(new Passage(id, id, "", "text " + id, 0, 6), 1f / rank, rank);
  }

  @Test
  void byScoreOrdersHighFirstKeepsTiesInRetrievalOrderAndRenumbers() {
    List<Hit> c = List.of(hit("a", 1), hit("b", 2), hit("c", 3));
    Ranking r = Ranking.byScore(c, new double[] {1, 5, 1}, List.of("x", "y", "z"), "test");
    assertEquals(List.of("b", "a", "c"), r.hits().stream().map(h -> h.passage().id()).toList());
    assertEquals(List.of(1, 2, 3), r.hits().stream().map(Hit::rank).toList());
    assertEquals(5f, r.hits().getFirst().score());
    assertEquals("y", r.ranked().getFirst().explanation());
    assertEquals(2, r.ranked().getFirst().hit().rank(), "the retrieval rank is kept");
  }

  @Test
  void badRankingsAreRefused() {
    List<Hit> c = List.of(hit("a", 1), hit("a", 2));
    var e = assertThrows(IllegalArgumentException.class, () -> Ranking.retrievalOrder(c, "x"));
    assertTrue(e.getMessage().contains("a twice"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Ranking.byScore(List.of(hit("a", 1)), new double[2], List.of("x"), "x"));
    assertThrows(IllegalArgumentException.class, () -> new RankedHit(hit("a", 1), Double.NaN, "x"));
  }

  @Test
  void noneKeepsTheOrder() {
    List<Hit> c = List.of(hit("a", 1), hit("b", 2));
    Ranking r = Ranker.none().rank("q", c);
    assertEquals(c, r.hits());
    assertEquals(RankerKind.NONE, Ranker.none().kind());
    assertThrows(IllegalArgumentException.class, () -> Ranker.none().rank("", c));
  }

  @Test
  void kindsParseAndNameTheLegalValues() {
    assertEquals(RankerKind.FUSION, RankerKind.parse(" Fusion "));
    assertEquals("listwise", RankerKind.LISTWISE.id());
    var e = assertThrows(IllegalArgumentException.class, () -> RankerKind.parse("bm25"));
    assertEquals(
        "rerank must be one of none|listwise|attention|fusion, got 'bm25'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RankerKind.parse(null));
  }

  @Test
  void devSplitIsAboutHalfAndStable() {
    int held = 0;
    for (int i = 0; i < 1000; i++) if (DevSplit.heldOut("q" + i)) held++;
    assertTrue(held > 450 && held < 550, "held out " + held + " of 1000");
    assertEquals(
        DevSplit.heldOut("56be4db0acb8001400a502ec"), DevSplit.heldOut("56be4db0acb8001400a502ec"));
    assertNotEquals(DevSplit.heldOut("q1"), DevSplit.training("q1"));
  }
}
