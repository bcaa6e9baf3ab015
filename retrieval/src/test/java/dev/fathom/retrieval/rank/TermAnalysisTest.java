package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TermAnalysis}: the question's and candidates' analysed terms for the lexical features. */
class TermAnalysisTest {

  @Test
  void questionTermsAreStemmedWithoutStopWords() {
    assertEquals(Set.of("wing", "swept"), new TermAnalysis().terms("The swept Wings"));
    assertEquals(List.of("swept", "wing", "wing"), new TermAnalysis().tokens("swept wings, wing"));
  }

  @Test
  void aPassageIsCachedByIdAndContent() {
    TermAnalysis analysis = new TermAnalysis();
    Passage p = new Passage("a", "a", "Flutter", "Swept wings flutter. Heat moves.", 0, 32);
    PassageTerms first = analysis.passageTerms(p);
    assertSame(first, analysis.passageTerms(p), "the same passage is analysed once");
    Passage edited = new Passage("a", "a", "Flutter", "Heat moves. Swept wings.", 0, 24);
    assertNotSame(first, analysis.passageTerms(edited), "new text under the same id is analysed");
  }
}
