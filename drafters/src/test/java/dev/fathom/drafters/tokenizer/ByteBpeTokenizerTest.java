package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ByteBpeTokenizerTest {
  /** Merges in byte-level spelling: Ġ is the space. */
  private static final List<String> THE = List.of("\u0120 t", "h e", "\u0120t he", "1 2");

  private static ByteBpeTokenizer tokenizer(String pre, List<String> merges, List<String> words) {
    return new ByteBpeTokenizer(
        Vocabulary.fromGguf(TestVocabularies.metadata(TestVocabularies.bpe(pre, merges, words))));
  }

  private static int id(ByteBpeTokenizer t, String spelled) {
    int id = t.vocabulary().id(spelled);
    assertTrue(id >= 0, () -> "'" + spelled + "' is not in the test vocabulary");
    return id;
  }

  @Test
  void appliesMergesByRank() {
    ByteBpeTokenizer t = tokenizer("qwen2", THE, List.of());
    assertArrayEquals(new int[] {id(t, "\u0120the")}, t.encode(" the"));
    assertArrayEquals(new int[] {'t', id(t, "he")}, t.encode("the"));
    assertArrayEquals(
        new int[] {'t', id(t, "he"), id(t, "\u0120the"), id(t, "\u0120the")},
        t.encode("the the the"));
  }

  @Test
  void theEarlierOfTwoOverlappingMergesWins() {
    ByteBpeTokenizer abFirst = tokenizer("qwen2", List.of("a b", "b c"), List.of());
    ByteBpeTokenizer bcFirst = tokenizer("qwen2", List.of("b c", "a b"), List.of());
    assertArrayEquals(new int[] {id(abFirst, "ab"), 'c'}, abFirst.encode("abc"));
    assertArrayEquals(new int[] {'a', id(bcFirst, "bc")}, bcFirst.encode("abc"));
  }

  @Test
  void digitGroupsFollowThePreTokenizer() {
    ByteBpeTokenizer llama3 = tokenizer("llama-bpe", THE, List.of());
    ByteBpeTokenizer qwen2 = tokenizer("qwen2", THE, List.of());
    assertArrayEquals(new int[] {id(llama3, "12"), '3', '4'}, llama3.encode("1234"));
    assertArrayEquals(new int[] {'1', '2', '3', '4'}, qwen2.encode("1234"));
  }

  @Test
  void llama3TakesAWordInTheVocabularyWholeIgnoringMerges() {
    assertArrayEquals(
        new int[] {id(tokenizer("llama-bpe", THE, List.of("xyz")), "xyz")},
        tokenizer("llama-bpe", THE, List.of("xyz")).encode("xyz"));
    assertArrayEquals(
        new int[] {'x', 'y', 'z'}, tokenizer("qwen2", THE, List.of("xyz")).encode("xyz"));
  }

  @Test
  void spellsNonAsciiAsBytes() {
    ByteBpeTokenizer t = tokenizer("qwen2", THE, List.of());
    assertArrayEquals(new int[] {0xC3, 0xA9}, t.encode("é"));
    assertArrayEquals(new byte[] {(byte) 0xC3}, t.tokenBytes(0xC3));
    assertEquals(" the", new String(t.tokenBytes(id(t, "\u0120the")), StandardCharsets.UTF_8));
  }

  @Test
  void roundTripsUnicodeTextWithEveryPreTokenizer() {
    String text =
        "  Hello,   world!\n\nI'm 12345 \"quoted\"\t😀 👨‍👩‍👧 中文 مرحبا e\u0301 <|im_start|> done ";
    for (String pre : List.of("llama-bpe", "qwen2", "gpt2", "something-new")) {
      ByteBpeTokenizer t = tokenizer(pre, THE, List.of());
      assertEquals(text, t.decode(t.encode(text)), pre);
      assertEquals("", t.decode(t.encode("")), pre);
    }
  }

  @Test
  void unknownPreFallsBackToGpt2sPattern() {
    assertEquals(PreTokenizer.GPT2, tokenizer("something-new", THE, List.of()).preTokenizer());
    assertEquals(PreTokenizer.LLAMA3, tokenizer("llama-bpe", THE, List.of()).preTokenizer());
  }

  @Test
  void specialTokensBecomeIdsOnlyWhenAskedFor() {
    ByteBpeTokenizer t = tokenizer("qwen2", THE, List.of());
    int start = id(t, "<|im_start|>");
    int end = id(t, "<|im_end|>");
    int tool = id(t, "<tool>");
    String chat = "<|im_start|>user\nthe<tool><|im_end|>\n";
    int[] expected =
        Stream.of(new int[] {start}, t.encode("user\nthe"), new int[] {tool, end}, t.encode("\n"))
            .flatMapToInt(IntStream::of)
            .toArray();
    assertArrayEquals(expected, t.encodeWithSpecialTokens(chat));
    int[] plain = t.encode(chat);
    assertTrue(Arrays.stream(plain).noneMatch(i -> i == start || i == end || i == tool));
    assertEquals(chat, t.decode(plain));
  }

  @Test
  void reportsSpecialAndStopTokens() {
    ByteBpeTokenizer t = tokenizer("qwen2", THE, List.of());
    int eos = id(t, "<|endoftext|>");
    int end = id(t, "<|im_end|>");
    assertEquals(eos, t.eos());
    assertEquals(Set.of(eos, end), t.stopTokens());
    assertTrue(t.isSpecial(end));
    assertFalse(t.isSpecial(id(t, "<tool>"))); // user-defined tokens are text
    assertFalse(t.addBos());
    assertFalse(t.addSpacePrefix());
    assertEquals("<|im_end|>", new String(t.tokenBytes(end), StandardCharsets.UTF_8));
    assertEquals("the", t.decode(new int[] {id(t, "<|im_start|>"), 't', id(t, "he"), end}));
  }
}
