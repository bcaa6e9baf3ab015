package dev.fathom.answer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class CitationMarkersTest {

  @Test
  void renumbersInOrderOfFirstUse() {
    var r = CitationMarkers.rewrite("B is true [2]. A too [1]. B again [2].", 3);
    assertEquals("B is true [1]. A too [2]. B again [1].", r.text());
    assertEquals(List.of(2, 1), r.cited());
    assertEquals(0, r.dropped());
  }

  @Test
  void dropsMarkersNamingNoSourceWithTheirSpace() {
    var r = CitationMarkers.rewrite("Yes [7]. No [0][1].", 2);
    assertEquals("Yes. No[1].", r.text());
    assertEquals(List.of(1), r.cited());
    assertEquals(2, r.dropped());
  }

  @Test
  void leavesOtherBracketsAlone() {
    var r = CitationMarkers.rewrite("See [1, 2] and [a].", 2);
    assertEquals("See [1, 2] and [a].", r.text());
    assertTrue(r.cited().isEmpty());
  }
}
