package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  private static Vocabulary read(Map<String, Object> m) {
    return Vocabulary.fromGguf(TestVocabularies.metadata(m));
  }

  @Test
  void readsIdsFlagsAndTreatsAllOnesAsNone() {
    Vocabulary v = read(TestVocabularies.smallSpm());
    assertEquals(1, v.bos());
    assertEquals(2, v.eos());
    assertEquals(0, v.unk());
    assertEquals(-1, v.pad()); // stored as 0xFFFFFFFF
    assertEquals(-1, v.eot());
    assertTrue(v.addBos()); // llama.cpp's default for SentencePiece
    assertTrue(v.addSpacePrefix());
    assertEquals("default", v.pre());
    assertEquals(TokenType.BYTE, v.type(v.id("<0x41>")));
  }

  @Test
  void honoursExplicitFlags() {
    Map<String, Object> m = TestVocabularies.smallSpm();
    m.put("tokenizer.ggml.add_bos_token", false);
    m.put("tokenizer.ggml.add_space_prefix", false);
    Vocabulary v = read(m);
    assertFalse(v.addBos());
    assertFalse(v.addSpacePrefix());
  }

  @Test
  void rejectsScoresOfTheWrongLength() {
    Map<String, Object> m = TestVocabularies.smallSpm();
    m.put("tokenizer.ggml.scores", new float[3]);
    var e = assertThrows(IllegalArgumentException.class, () -> read(m));
    assertEquals(
        "tokenizer.ggml.scores has 3 entries but tokenizer.ggml.tokens has 264;"
            + " they must have one entry per token",
        e.getMessage());
  }

  @Test
  void rejectsTokenTypesOfTheWrongLength() {
    Map<String, Object> m = TestVocabularies.smallSpm();
    m.put("tokenizer.ggml.token_type", new int[] {1, 1});
    var e = assertThrows(IllegalArgumentException.class, () -> read(m));
    assertTrue(e.getMessage().startsWith("tokenizer.ggml.token_type has 2 entries"));
  }

  @Test
  void rejectsAnUnknownTokenType() {
    Map<String, Object> m = TestVocabularies.smallSpm();
    int[] types = ((int[]) m.get("tokenizer.ggml.token_type")).clone();
    types[5] = 9;
    m.put("tokenizer.ggml.token_type", types);
    var e = assertThrows(IllegalArgumentException.class, () -> read(m));
    assertTrue(e.getMessage().startsWith("tokenizer.ggml.token_type[5]: token type must be 1..6"));
  }

  @Test
  void rejectsASpecialIdOutsideTheVocabulary() {
    Map<String, Object> m = TestVocabularies.smallSpm();
    m.put("tokenizer.ggml.eos_token_id", 264L);
    var e = assertThrows(IllegalArgumentException.class, () -> read(m));
    assertEquals(
        "tokenizer.ggml.eos_token_id must be in 0..263 (the vocabulary), got 264", e.getMessage());
  }

  @Test
  void rejectsAnIdOutsideTheVocabularyOnLookup() {
    Vocabulary v = read(TestVocabularies.smallSpm());
    var e = assertThrows(IllegalArgumentException.class, () -> v.token(-1));
    assertEquals("token id must be in 0..263, got -1", e.getMessage());
  }

  @Test
  void looksUpPiecesAndSpansAndMapsADuplicateToItsLastId() {
    Map<String, Object> m = TestVocabularies.smallSpm();
    String[] tokens = ((String[]) m.get("tokenizer.ggml.tokens")).clone();
    tokens[tokens.length - 1] = "a"; // now "a" twice
    m.put("tokenizer.ggml.tokens", tokens);
    Vocabulary v = read(m);
    assertEquals(tokens.length - 1, v.id("a"));
    assertEquals(v.id("\u2581a"), v.id("x\u2581ay", 1, 3));
    assertEquals(-1, v.id("absent"));
    assertEquals(-1, v.id(""));
  }
}
