package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClauseCutterTest {

  private static List<String> cut(ClauseCutter c, String s) {
    return c.cut(s).stream().map(p -> s.substring(p[0], p[1])).toList();
  }

  @Test
  void cutsAtPunctuationBracketsAndClauseWords() {
    ClauseCutter c = new ClauseCutter(3, true);
    assertEquals(
        List.of(
            "The Eiffel Tower,",
            "which was built for the 1889 World's Fair,",
            "is 330 metres tall."),
        cut(c, "The Eiffel Tower, which was built for the 1889 World's Fair, is 330 metres tall."));
    assertEquals(
        List.of(
            "In 1066, William",
            "(the Conqueror) invaded England;",
            "he was crowned at Westminster Abbey on 25 December,",
            "after the battle of Hastings."),
        cut(
            c,
            "In 1066, William (the Conqueror) invaded England; he was crowned at Westminster Abbey"
                + " on 25 December, after the battle of Hastings."));
  }

  @Test
  void neverCutsInsideNumbersOrAtAnd() {
    ClauseCutter c = new ClauseCutter(3, true);
    assertEquals(
        List.of(
            "The population was 1,234,567 in 2010 —",
            "up from 900,000 in 2000 —",
            "according to the census."),
        cut(
            c,
            "The population was 1,234,567 in 2010 — up from 900,000 in 2000 — according to the census."));
    assertEquals(List.of("Paris and London are cities."), cut(c, "Paris and London are cities."));
  }

  @Test
  void shortPiecesJoinTheirNeighbour() {
    String s = "The Eiffel Tower, which was built for the 1889 World's Fair, is 330 metres tall.";
    // "The Eiffel Tower," has 3 words: joined to the next; "is 330 metres tall." (4) to the last.
    assertEquals(List.of(s), cut(new ClauseCutter(6, true), s));
    assertEquals(
        List.of(
            "The Eiffel Tower, which was built for the 1889 World's Fair,", "is 330 metres tall."),
        cut(new ClauseCutter(4, true), s));
    // Without clause words, only punctuation cuts.
    assertEquals(
        List.of("It rained", "because the wind turned."),
        cut(new ClauseCutter(1, true), "It rained because the wind turned."));
    assertEquals(
        List.of("It rained because the wind turned."),
        cut(new ClauseCutter(1, false), "It rained because the wind turned."));
    assertEquals(List.of("Short."), cut(new ClauseCutter(6, true), "Short."));
  }

  @Test
  void theIdNamesTheCutterAndParsesBack() {
    ClauseCutter c = new ClauseCutter(5, true);
    assertEquals("clauses(minWords=5,beforeWords=true)", c.id());
    assertEquals(c, ClauseCutter.parse(c.id()));
    ClauseCutter whole = new ClauseCutter(5, true, true);
    assertEquals("clauses(minWords=5,beforeWords=true,alsoWhole=true)", whole.id());
    assertEquals(whole, ClauseCutter.parse(whole.id()));
    assertNull(ClauseCutter.parse(null));
    assertNull(ClauseCutter.parse("sentences"));
  }

  @Test
  void minWordsMustBeInRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ClauseCutter(0, true));
    assertEquals("minWords must be in [1, 100], got 0", e.getMessage());
  }
}
