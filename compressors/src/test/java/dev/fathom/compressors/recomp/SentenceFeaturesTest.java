package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceFeaturesTest {

  private static final String A =
      "The Eiffel Tower was built for the 1889 World's Fair. It is 330 metres tall.";
  private static final String B = "Kafka partitions are replicated across Brokers.";

  private static List<CandidateSentence> candidates() {
    return CandidateSentence.of(
        List.of(
            new Hit(new Passage("a#0", "a", "Eiffel", A, 0, A.length()), 1, 1),
            new Hit(new Passage("b#0", "b", "Kafka", B, 0, B.length()), 0.5f, 2)),
        5,
        12);
  }

  private static float at(float[] x, int row, String name) {
    return x[row * SentenceFeatures.count() + SentenceFeatures.NAMES.indexOf(name)];
  }

  @Test
  void describesEachSentenceAgainstTheQuestionAndTheOtherCandidates() {
    List<CandidateSentence> c = candidates();
    assertEquals(3, c.size());
    float[] x =
        SentenceFeatures.extract(
            "When was the Eiffel Tower built?", c, new float[] {0.8f, 0.5f, 0.1f});
    assertEquals(3 * SentenceFeatures.count(), x.length);
    assertEquals(0f, at(x, 0, "cos_rank"));
    assertEquals(2f, at(x, 2, "cos_rank"));
    assertEquals(-0.3f, at(x, 1, "cos_minus_best"), 1e-6);
    // Question terms (English-analysed): when, eiffel, tower, built; the first sentence has three.
    assertEquals(0.75f, at(x, 0, "lexical"), 1e-6);
    assertEquals(3f, at(x, 0, "lexical_terms"));
    assertEquals(0f, at(x, 2, "lexical"));
    assertEquals(2f / 3, at(x, 0, "pairs"), 1e-6); // "eiffel tower" and "tower built"
    assertEquals(1f, at(x, 0, "has_year"));
    assertEquals(0f, at(x, 1, "has_year"));
    assertEquals(1f, at(x, 1, "index_in_passage"));
    assertEquals(1f, at(x, 2, "passage_rank"));
    assertEquals(0.8f, at(x, 1, "neighbour_cos"), 1e-6);
    assertEquals(0.8f, at(x, 1, "passage_best_cos"), 1e-6);
    assertEquals(0f, at(x, 0, "question_type")); // "when"
    // Capitalised words the question lacks: World's -> "World", "Fair" (the first word is skipped).
    assertEquals(2f, at(x, 0, "new_capitalised"));
    assertEquals(1f, at(x, 2, "new_capitalised")); // "Brokers"
    // The second passage scored half the first's; the second sentence is the last of two.
    assertEquals(0.5f, at(x, 2, "passage_score_share"), 1e-6);
    assertEquals(0.5f, at(x, 1, "position_share"), 1e-6);
    // A "when" question wants a time: the year sentence matches, the height sentence does not.
    assertEquals(1f, at(x, 0, "answer_type"));
    assertEquals(1f, at(x, 0, "answer_type_match"));
    assertEquals(0f, at(x, 1, "answer_type_match"));
    assertEquals(1f, at(x, 1, "new_numbers")); // 330
    // The height sentence has no question term of its own, but its neighbour has three.
    assertEquals(0f, at(x, 1, "lexical"));
    assertTrue(at(x, 1, "window_weighted_lexical") > 0.5f);
    // eiffel tower built: three matched terms in a run of three.
    assertEquals(1f, at(x, 0, "match_density"), 1e-6);
  }

  @Test
  void answerTypes() {
    assertEquals(1, AnswerType.of("In what year did it open?"));
    assertEquals(2, AnswerType.of("What percentage of voters agreed?"));
    assertEquals(3, AnswerType.of("Whose idea was it?"));
    assertEquals(4, AnswerType.of("What city hosted the games?"));
    assertEquals(0, AnswerType.of("What is a prime number?"));
  }

  @Test
  void questionTypes() {
    assertEquals(1f, SentenceFeatures.questionType("How many people live there?"));
    assertEquals(3f, SentenceFeatures.questionType("Who designed it?"));
    assertEquals(8f, SentenceFeatures.questionType("How does it work?"));
    assertEquals(9f, SentenceFeatures.questionType("Name the designer."));
  }

  @Test
  void oneSimilarityPerCandidateIsRequired() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SentenceFeatures.extract("q", candidates(), new float[1]));
    assertEquals("one similarity per candidate needed: 3 candidates, 1", e.getMessage());
  }
}
