package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanFeaturesTest {

  private static final String A =
      "The Eiffel Tower, which was built for the 1889 World's Fair, is 330 metres tall.";
  private static final String B = "Kafka partitions are replicated across Brokers.";

  private static float at(float[] x, int row, String name) {
    return x[row * SpanFeatures.count() + SpanFeatures.NAMES.indexOf(name)];
  }

  @Test
  void eachSpanCarriesItsSentencesFeaturesAndItsOwn() {
    List<CandidateSentence> s =
        CandidateSentence.of(
            List.of(
                new Hit(new Passage("a#0", "a", "Eiffel", A, 0, A.length()), 1, 1),
                new Hit(new Passage("b#0", "b", "Kafka", B, 0, B.length()), 0.5f, 2)),
            5,
            12);
    List<CandidateSpan> spans = CandidateSpan.of(s, new ClauseCutter(3, true));
    assertEquals(4, spans.size());
    float[] x =
        SpanFeatures.extract("How tall is the Eiffel Tower?", s, new float[] {0.7f, 0.1f}, spans);
    assertEquals(4 * SpanFeatures.count(), x.length);
    assertEquals(SentenceFeatures.count() + 23 + SpanContext.NAMES.size(), SpanFeatures.count());
    // The sentence's cosine is shared by its spans.
    assertEquals(0.7f, at(x, 0, "cos"), 1e-6);
    assertEquals(0.7f, at(x, 2, "cos"), 1e-6);
    assertEquals(0.1f, at(x, 3, "cos"), 1e-6);
    // Question terms (English-analysed): how, tall, eiffel, tower. The first span has two, the
    // third one.
    assertEquals(0.5f, at(x, 0, "span_lexical"), 1e-6);
    assertEquals(0.25f, at(x, 2, "span_lexical"), 1e-6);
    assertEquals(0f, at(x, 1, "span_lexical"));
    // The third span holds the question's "how tall" answer type: a new number.
    assertEquals(1f, at(x, 2, "span_new_numbers"));
    assertEquals(1f, at(x, 2, "span_answer_type_match"));
    assertEquals(0f, at(x, 0, "span_answer_type_match"));
    // The rest of the sentence holds the matched words the third span lacks.
    assertTrue(at(x, 2, "span_rest_weighted") > at(x, 0, "span_rest_weighted"));
    assertEquals(2f, at(x, 2, "span_piece"));
    assertEquals(3f, at(x, 2, "span_pieces"));
    assertEquals(1f, at(x, 2, "span_piece_share"), 1e-6);
    assertEquals(1f, at(x, 1, "span_opening_word")); // "which": a relative clause
    assertEquals(0f, at(x, 2, "span_new_capitalised"));
    assertEquals(0f, at(x, 3, "span_piece"));
  }
}
