package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerCandidatesTest {

  private static final String A =
      "The Eiffel Tower, which was built for the 1889 World's Fair, is 330 metres tall.";

  private static List<CandidateSpan> spans() {
    List<CandidateSentence> s =
        CandidateSentence.of(
            List.of(new Hit(new Passage("a#0", "a", "Eiffel", A, 0, A.length()), 1, 1)), 5, 12);
    return CandidateSpan.of(s, new ClauseCutter(3, true, true));
  }

  @Test
  void aYearTwoWordsAfterTheQuestionsVerbIsAWhenCandidate() {
    // Words: The Eiffel Tower which was built for the 1889 ...: "built" matches, "1889" is two
    // words on. Only the relative clause (and the sentence whole) holds the year.
    float far = SpanContext.FAR;
    float[][] g =
        AnswerCandidates.gaps("When was the Eiffel Tower built?", spans(), AnswerCandidates::words);
    assertArrayEquals(new float[] {far, 2, far, 2}, g[0]);
    assertArrayEquals(new float[] {2, 2, 2, 2}, g[1]);
  }

  @Test
  void candidatesFollowTheAnswerType() {
    var q = SentenceFeatures.words("How tall is the Eiffel Tower?");
    // A quantity: 1889 and 330, not the question's own words.
    assertEquals(2, AnswerCandidates.candidates(A, 2, q).size());
    // A person or place: capitalised words the question lacks (World, s is lower case, Fair).
    assertEquals(2, AnswerCandidates.candidates(A, 3, q).size());
    // No question word of four letters or more in the sentence: every gap is far.
    var none = SentenceFeatures.words("Who was it?");
    for (int[] c : AnswerCandidates.candidates(A, 3, none)) assertEquals(SpanContext.FAR, c[2]);
  }
}
