package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanEvidenceTest {

  private static final String A =
      "The Eiffel Tower, which was built for the 1889 World's Fair, is 330 metres tall. "
          + "Gustave Eiffel's company designed it, and it opened in March 1889.";

  private static List<CandidateSpan> spans() {
    return CandidateSpan.of(sentences(), new ClauseCutter(3, true));
  }

  private static List<CandidateSentence> sentences() {
    return CandidateSentence.of(
        List.of(new Hit(new Passage("a#0", "a", "Eiffel", A, 100, 100 + A.length()), 1, 1)), 5, 12);
  }

  @Test
  void aSentenceOfferedWholeFollowsItsSpansAndReadsWithoutEllipses() {
    List<CandidateSpan> sp = CandidateSpan.of(sentences(), new ClauseCutter(3, true, true));
    assertEquals(7, sp.size());
    assertEquals(1, sp.get(3).pieces());
    assertEquals(sp.get(3).sentence().text(), sp.get(3).text());
    List<EvidenceSentence> ev = SpanEvidence.assemble(sp, List.of(3), new double[7]);
    assertEquals(sp.get(3).sentence().text(), ev.get(0).text());
    assertEquals(0, SpanEvidence.markers(sp, List.of(3, 6)));
  }

  @Test
  void spansOfOneSentenceShareAnEntryWithEllipsesWhereItWasCut() {
    List<CandidateSpan> sp = spans();
    // Sentence 0: [The Eiffel Tower,] [which was built for the 1889 World's Fair,] [is 330 metres
    // tall.]; sentence 1: [Gustave Eiffel's company designed it,] [and it opened in March 1889.]
    assertEquals(5, sp.size());
    double[] p = {0.1, 0.2, 0.9, 0.5, 0.3};
    List<EvidenceSentence> ev = SpanEvidence.assemble(sp, List.of(4, 3, 2, 0), p);
    assertEquals(2, ev.size());
    assertEquals("The Eiffel Tower, … is 330 metres tall.", ev.get(0).text());
    assertEquals(0, ev.get(0).start());
    assertEquals(A.indexOf(" Gustave"), ev.get(0).end());
    assertEquals(0.9f, ev.get(0).score(), 1e-6);
    assertEquals(
        "Gustave Eiffel's company designed it, and it opened in March 1889.", ev.get(1).text());
    // Adjacent spans are rejoined with the sentence's own text.
    assertEquals(1, SpanEvidence.markers(sp, List.of(4, 3, 2, 0)));
    assertEquals(
        "… and it opened in March 1889.", SpanEvidence.assemble(sp, List.of(4), p).get(0).text());

    ev = SpanEvidence.assemble(sp, List.of(1, 2), p);
    assertEquals(
        "… which was built for the 1889 World's Fair, is 330 metres tall.", ev.get(0).text());
    assertEquals(1, SpanEvidence.markers(sp, List.of(1, 2)));
    ev = SpanEvidence.assemble(sp, List.of(1), p);
    assertEquals("… which was built for the 1889 World's Fair, …", ev.get(0).text());
    assertEquals(A.indexOf("which"), ev.get(0).start());
    assertEquals(2, SpanEvidence.markers(sp, List.of(1)));
    assertEquals(0, SpanEvidence.markers(sp, List.of(0, 1, 2)));
  }
}
