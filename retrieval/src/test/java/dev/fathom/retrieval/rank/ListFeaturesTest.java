package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.TextSpan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListFeaturesTest {

  static Hit hit(String id, int rank) {
    return new Hit(new Passage(id, id, "", "One. Two.", 0, 9), 1f / rank, rank);
  }

  /** Columns: 0 = the passage-level cosine, 1 = sentence_cos, 2 = sentence_cos_gap. */
  @Test
  void sentenceCosineIsTheBestSentencesAndFallsBackToThePassages() {
    List<Hit> hits = List.of(hit("a", 1), hit("b", 2));
    float[] x = {0.5f, 0, 0, 0.3f, 0, 0};
    float[] q = {1, 0};
    SentenceVectors a =
        new SentenceVectors(
            List.of(new TextSpan(0, 4), new TextSpan(5, 9)),
            List.of(new float[] {0, 1}, new float[] {0.8f, 0.6f}));
    ListFeatures.fillSentences(x, 3, 1, 0, hits, q, Map.of("a", a));
    assertEquals(0.8f, x[1], 1e-6, "a's second sentence matches best");
    assertEquals(0.3f, x[4], 1e-6, "b has no stored sentences: its passage cosine");
    assertEquals(0f, x[2], 1e-6);
    assertEquals(0.3f - 0.8f, x[5], 1e-6);
  }

  @Test
  void withoutTheQuestionsVectorEveryCandidateUsesItsPassageCosine() {
    List<Hit> hits = List.of(hit("a", 1), hit("b", 2));
    float[] x = {0.5f, 0, 0, 0.3f, 0, 0};
    ListFeatures.fillSentences(x, 3, 1, 0, hits, null, Map.of());
    assertEquals(0.5f, x[1]);
    assertEquals(0.3f, x[4]);
    assertEquals(-0.2f, x[5], 1e-6);
  }

  @Test
  void zScoresStandardiseWithinTheList() {
    float[] x = {1, 0, 2, 0, 3, 0};
    ListFeatures.fillZScores(x, 2, 3, new int[] {0}, new int[] {1});
    double sd = Math.sqrt(2.0 / 3);
    assertEquals(-1 / sd, x[1], 1e-5);
    assertEquals(0, x[3], 1e-6);
    assertEquals(1 / sd, x[5], 1e-5);
    float[] same = {4, 9, 4, 9};
    ListFeatures.fillZScores(same, 2, 2, new int[] {0}, new int[] {1});
    assertEquals(0f, same[1], "all alike: 0, not NaN");
  }

  static Hit titled(String id, String title, int rank) {
    return new Hit(new Passage(id, id, title, "Text.", 0, 5), 1f / rank, rank);
  }

  @Test
  void titleVotesSumTheReciprocalRanksOfTheOtherCandidatesOfTheSameTitle() {
    List<Hit> hits =
        List.of(titled("a", "Apollo", 1), titled("b", "Rhine", 2), titled("c", "Apollo", 3));
    float[] x = new float[3];
    ListFeatures.fillTitleVotes(x, 1, 0, hits);
    assertEquals(1f / 3, x[0], 1e-6, "c votes for a");
    assertEquals(0f, x[1]);
    assertEquals(1f, x[2], 1e-6, "a votes for c");
  }

  @Test
  void answerTypeRewardsANumberInTheBestSentenceOfANumericQuestion() {
    org.junit.jupiter.api.Assertions.assertTrue(
        ListFeatures.asksForNumber("In what year did the war end?"));
    org.junit.jupiter.api.Assertions.assertTrue(ListFeatures.asksForNumber("How many moons?"));
    org.junit.jupiter.api.Assertions.assertFalse(ListFeatures.asksForNumber("Who won the war?"));
    TermAnalysis ff = new TermAnalysis();
    Map<String, Double> w = FusionFeatures.uniform(ff.terms("what year war end"));
    PassageTerms dated =
        ff.passageTerms(new Passage("a", "a", "", "The war ended in 1945. Nothing else.", 0, 36));
    PassageTerms undated =
        ff.passageTerms(new Passage("b", "b", "", "The war ended badly. In 1945 rain.", 0, 34));
    float[] x = new float[2];
    ListFeatures.fillAnswerType(x, 1, 0, true, List.of(dated, undated), w);
    assertEquals(1f, x[0], "the best sentence holds a year");
    assertEquals(-1f, x[1], "the number is outside the best sentence");
    ListFeatures.fillAnswerType(x, 1, 0, false, List.of(dated, undated), w);
    assertEquals(0f, x[0]);
  }
}
