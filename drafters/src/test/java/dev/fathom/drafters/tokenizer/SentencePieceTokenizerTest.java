package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The SentencePiece merge rule on a hand-built vocabulary; real vocabularies are in the IT. */
class SentencePieceTokenizerTest {

  @Test
  void mergesTheHighestScoringPairFirst() {
    // Scores fall with the id: ▁ > a > b > ▁a > ab, so "ab" → ▁ a b → ▁a b (▁a beats ab).
    SentencePieceTokenizer t =
        new SentencePieceTokenizer(
            Vocabulary.fromGguf(TestVocabularies.metadata(TestVocabularies.smallSpm())));
    Vocabulary v = t.vocabulary();
    assertArrayEquals(new int[] {v.id("\u2581a"), v.id("b")}, t.encode("ab"));
    assertArrayEquals(new int[] {v.id("\u2581a"), v.id("<0x63>")}, t.encode("ac"));
  }
}
