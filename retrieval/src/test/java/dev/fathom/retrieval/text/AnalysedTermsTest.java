package dev.fathom.retrieval.text;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.junit.jupiter.api.Test;

/** {@link AnalysedTerms}: English analysis as the BM25 field sees it. */
class AnalysedTermsTest {

  private final EnglishAnalyzer english = new EnglishAnalyzer();

  @Test
  void tokensAreStemmedWithoutStopWordsAndKeepRepeatsInOrder() {
    assertEquals(
        List.of("swept", "wing", "wing", "swept"),
        AnalysedTerms.tokens(english, "f", "The swept Wings and the wing, swept"));
  }

  @Test
  void distinctKeepsTheFirstOccurrencesUpToTheLimit() {
    String text = "delta wings swept delta alpha beta";
    assertEquals(
        List.of("delta", "wing", "swept"),
        List.copyOf(AnalysedTerms.distinct(english, "f", text, 3)));
    assertEquals(5, AnalysedTerms.distinct(english, "f", text, 1000).size());
  }

  @Test
  void aTextOfStopWordsHasNoTerms() {
    assertTrue(AnalysedTerms.distinct(english, "f", "the and of", 10).isEmpty());
  }

  @Test
  void aLimitBelowOneIsRefusedWithTheLegalRange() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> AnalysedTerms.distinct(english, "f", "x", 0));
    assertEquals("max must be >= 1, got 0", e.getMessage());
  }
}
