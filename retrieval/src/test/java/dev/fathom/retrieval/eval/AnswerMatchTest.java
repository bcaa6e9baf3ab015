package dev.fathom.retrieval.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerMatchTest {

  @Test
  void normalizeLowercasesDeletesPunctuationDropsArticlesAndCollapsesSpaces() {
    assertEquals("denver broncos", AnswerMatch.normalize("The Denver Broncos!"));
    assertEquals("levis stadium", AnswerMatch.normalize("  Levi's\tStadium. "));
    assertEquals("francoprussian war", AnswerMatch.normalize("the Franco-Prussian War"));
    assertEquals("", AnswerMatch.normalize("A an THE"));
  }

  @Test
  void normalizeDropsArticlesOnlyAsWholeWords() {
    assertEquals("theatre anatomy", AnswerMatch.normalize("Theatre an anatomy"));
    assertEquals("thermal", AnswerMatch.normalize("the thermal"));
  }

  @Test
  void normalizeKeepsNonAsciiLettersAndPunctuation() {
    // Python's string.punctuation is ASCII only; the en dash and accents survive.
    assertEquals("beyoncé 1990–1999", AnswerMatch.normalize("Beyoncé, 1990–1999"));
  }

  @Test
  void containsAnyMatchesWholeTokensOnly() {
    assertFalse(AnswerMatch.containsAny("It rained for 10 days.", List.of("1")));
    assertTrue(AnswerMatch.containsAny("It rained for 1 day.", List.of("1")));
    assertFalse(AnswerMatch.containsAny("Denver Broncoses", List.of("Denver Broncos")));
    assertTrue(
        AnswerMatch.containsAny(
            "The AFC champion Denver Broncos defeated ...", List.of("x", "the Denver Broncos")));
  }

  @Test
  void containsAnyMatchesAtTheEdgesOfTheText() {
    assertTrue(AnswerMatch.containsAny("Santa Clara, California", List.of("Santa Clara")));
    assertTrue(AnswerMatch.containsAny("Santa Clara, California", List.of("California.")));
  }

  @Test
  void emptyAnswersNeverMatch() {
    assertFalse(AnswerMatch.containsAny("the cat sat", List.of()));
    assertFalse(AnswerMatch.containsAny("the cat sat", List.of("")));
    assertFalse(AnswerMatch.containsAny("the cat sat", List.of("the", "?!")));
  }

  @Test
  void exactMatchComparesNormalizedStringsAgainstAnyGold() {
    assertTrue(
        AnswerMatch.exactMatch("the Denver Broncos.", List.of("Carolina", "Denver Broncos")));
    assertFalse(AnswerMatch.exactMatch("Denver", List.of("Denver Broncos")));
  }

  @Test
  void f1IsTokenOverlapMaximizedOverGolds() {
    // "denver broncos team" vs "denver broncos": same=2, P=2/3, R=1, F1=2*(2/3)/(5/3)=0.8.
    assertEquals(0.8, AnswerMatch.f1("Denver Broncos team", List.of("Denver Broncos")), 1e-12);
    assertEquals(1.0, AnswerMatch.f1("Broncos", List.of("Denver Broncos", "Broncos")), 1e-12);
    assertEquals(0.0, AnswerMatch.f1("Panthers", List.of("Denver Broncos")));
  }

  @Test
  void f1CountsRepeatedTokensAsAMultiset() {
    // pred "a b b" -> tokens [b, b] ("a" is an article); gold [b]: same=1, P=1/2, R=1 -> 2/3.
    assertEquals(2.0 / 3, AnswerMatch.f1("a b b", List.of("b")), 1e-12);
  }

  @Test
  void scoringWithoutGoldsIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> AnswerMatch.f1("x", List.of()));
    assertThrows(IllegalArgumentException.class, () -> AnswerMatch.exactMatch("x", List.of()));
  }
}
