package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenizersTest {
  @Test
  void picksTheTokenizerByModel() {
    assertInstanceOf(
        SentencePieceTokenizer.class,
        Tokenizers.fromGguf(TestVocabularies.metadata(TestVocabularies.smallSpm())));
    assertInstanceOf(
        ByteBpeTokenizer.class,
        Tokenizers.fromGguf(
            TestVocabularies.metadata(TestVocabularies.bpe("qwen2", List.of(), List.of()))));
  }

  @Test
  void rejectsAnUnknownModelNamingItAndTheSupportedOnes() {
    Map<String, Object> m = TestVocabularies.smallSpm();
    m.put("tokenizer.ggml.model", "bert");
    var e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Tokenizers.fromGguf(TestVocabularies.metadata(m)));
    assertTrue(e.getMessage().contains("'bert'"), e.getMessage());
    assertTrue(e.getMessage().contains("llama") && e.getMessage().contains("gpt2"), e.getMessage());
  }

  @Test
  void rejectsAGpt2VocabularyWithoutMerges() {
    Map<String, Object> m = TestVocabularies.bpe("qwen2", List.of(), List.of());
    m.remove("tokenizer.ggml.merges");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tokenizers.fromGguf(TestVocabularies.metadata(m)));
    assertTrue(e.getMessage().contains("tokenizer.ggml.merges"), e.getMessage());
  }

  @Test
  void rejectsAMalformedMerge() {
    Map<String, Object> m = TestVocabularies.bpe("qwen2", List.of("a b"), List.of());
    m.put("tokenizer.ggml.merges", new String[] {"ab"});
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tokenizers.fromGguf(TestVocabularies.metadata(m)));
    assertEquals("tokenizer.ggml.merges[0] must be 'left right', got 'ab'", e.getMessage());
  }
}
