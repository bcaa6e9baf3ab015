package dev.fathom.answer;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererTest {

  private final Passage a = new Passage("/a.md#0", "/a.md", "A", "One. Two.", 10, 19);
  private final Passage b = new Passage("/b.md#3", "/b.md", "B", "Three.", 50, 56);

  private EvidenceSentence s(Passage p, String text) {
    int at = p.text().indexOf(text);
    return new EvidenceSentence(text, p, at, at + text.length(), 0.5f);
  }

  @Test
  void numbersSourcesInOrderOfFirstUseAndMarksEachRunOfSentences() {
    Evidence ev = new Evidence("q", List.of(s(a, "One."), s(a, "Two."), s(b, "Three.")), 6, 30);
    Answer ans = new ExtractiveAnswerer().answer("q", ev);
    assertEquals("One. Two. [1] Three. [2]", ans.text());
    assertEquals(2, ans.citations().size());
    Citation c1 = ans.citations().getFirst();
    assertEquals(new Citation(1, "/a.md", "A", 10, 19, "One. Two."), c1);
    assertEquals(2, ans.citations().get(1).n());
  }

  @Test
  void aPassageCitedAgainLaterKeepsItsNumber() {
    Evidence ev = new Evidence("q", List.of(s(a, "One."), s(b, "Three."), s(a, "Two.")), 6, 30);
    assertEquals("One. [1] Three. [2] Two. [1]", new ExtractiveAnswerer().answer("q", ev).text());
  }

  @Test
  void emptyEvidenceSaysNothingWasFound() {
    Answer ans = new ExtractiveAnswerer().answer("q", Evidence.none("q", 100));
    assertEquals(ExtractiveAnswerer.NOTHING_FOUND, ans.text());
    assertTrue(ans.foundNothing());
  }
}
