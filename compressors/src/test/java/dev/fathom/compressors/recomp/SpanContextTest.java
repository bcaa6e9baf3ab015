package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanContextTest {

  private static final String A =
      "The Eiffel Tower, which was built for the 1889 World's Fair, is 330 metres tall.";

  private static float at(float[] x, int row, String name) {
    return x[row * SpanFeatures.count() + SpanFeatures.NAMES.indexOf(name)];
  }

  private static float[] features(String question) {
    List<CandidateSentence> s =
        CandidateSentence.of(
            List.of(new Hit(new Passage("a#0", "a", "Eiffel", A, 0, A.length()), 1, 1)), 5, 12);
    List<CandidateSpan> spans = CandidateSpan.of(s, new ClauseCutter(3, true, true));
    // Three clauses, then the sentence whole.
    assertEquals(4, spans.size());
    return SpanFeatures.extract(question, s, new float[] {0.7f}, spans);
  }

  @Test
  void measuresHowFarASpanIsFromTheQuestionsWords() {
    // Question terms: eiffel, tower, built. Spans: "The Eiffel Tower," | "which was built for the
    // 1889 World's Fair," | "is 330 metres tall." | the whole sentence.
    float[] x = features("When was the Eiffel Tower built?");
    assertEquals(SentenceFeatures.count() + 23 + SpanContext.NAMES.size(), SpanFeatures.count());
    // The relative clause follows "tower" directly: no term between them.
    assertEquals(0f, at(x, 1, "span_gap_before"));
    assertEquals(SpanContext.FAR, at(x, 1, "span_gap_after"));
    // The last clause has "built" five terms back: built, 1889, world, fair, (then the span).
    assertTrue(at(x, 2, "span_gap_before") > 0 && at(x, 2, "span_gap_before") < SpanContext.FAR);
    // The first clause has "built" right after it.
    assertEquals(SpanContext.FAR, at(x, 0, "span_gap_before"));
    assertTrue(at(x, 0, "span_gap_after") <= 1);
    // The whole sentence has no siblings: nothing is near it.
    assertEquals(SpanContext.FAR, at(x, 3, "span_gap_min"));
    assertEquals(0f, at(x, 3, "span_window_weighted"));
    // The window around the middle clause holds eiffel and tower; around the first one only built.
    assertTrue(at(x, 1, "span_window_weighted") > at(x, 0, "span_window_weighted"));
    assertTrue(at(x, 0, "span_window_weighted") > 0);
    assertEquals(0f, at(x, 1, "span_window_minus_best"), 1e-6);
    // A "when" question: only the middle clause has a year, so its siblings count one match.
    assertEquals(1f, at(x, 0, "span_type_match_siblings"));
    assertEquals(0f, at(x, 1, "span_type_match_siblings"));
  }

  @Test
  void findsTheWordAfterTheWhWord() {
    assertEquals("river", SpanContext.focus("Which river flows through Paris?"));
    assertEquals("peopl", SpanContext.focus("How many people live in Paris?"));
    // "what is" names no focus; the next wh-phrase may.
    assertNull(SpanContext.focus("What is the capital of France?"));
    assertNull(SpanContext.focus("When was it built?"));
    float[] x = features("What year was the Eiffel Tower built?");
    assertEquals(0f, at(x, 1, "span_has_focus"));
    float[] y = features("How many metres tall is the Eiffel Tower?");
    assertEquals(1f, at(y, 2, "span_has_focus"));
    assertEquals(0f, at(y, 1, "span_has_focus"));
  }
}
