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
import org.junit.jupiter.api.Test;

/**
 * The SentencePiece tokenizer on the vocabularies of the real models in ../shared/models
 * (stories260K and the 32k Llama 2 one); the merge rule on a hand-built vocabulary is in {@link
 * SentencePieceTokenizerTest}.
 */
class SentencePieceTokenizerIT {
  /** The greedy continuation of "Once upon a time" published with llama2.c's stories260K. */
  private static final int[] STORIES_CONTINUATION = {
    432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337
  };

  private static SentencePieceTokenizer stories() {
    return (SentencePieceTokenizer)
        Tokenizers.fromGguf(TestVocabularies.sharedModel(TestVocabularies.STORIES));
  }

  private static SentencePieceTokenizer llama2() {
    return (SentencePieceTokenizer)
        Tokenizers.fromGguf(TestVocabularies.sharedModel(TestVocabularies.LLAMA2));
  }

  @Test
  void encodesTheStoriesPromptAsLlama2cDoes() {
    SentencePieceTokenizer t = stories();
    int[] prompt =
        IntStream.concat(IntStream.of(t.bos()), IntStream.of(t.encode("Once upon a time")))
            .toArray();
    assertArrayEquals(new int[] {1, 403, 407, 261, 378}, prompt);
    assertTrue(t.addBos());
    assertTrue(t.addSpacePrefix());
  }

  @Test
  void decodesThePublishedContinuationPieceByPiece() {
    SentencePieceTokenizer t = stories();
    StringBuilder viaBytes = new StringBuilder();
    StreamingDecoder streaming = new StreamingDecoder(t, false);
    StringBuilder viaStream = new StringBuilder();
    for (int id : STORIES_CONTINUATION) {
      viaBytes.append(new String(t.tokenBytes(id), StandardCharsets.UTF_8));
      viaStream.append(streaming.accept(id));
    }
    String expected = ", there was a little girl named Lily. She loved to play";
    assertEquals(expected, viaBytes.toString());
    assertEquals(expected, viaStream.toString());
  }

  @Test
  void decodesAWholeSequenceDroppingBosAndThePrefixSpace() {
    SentencePieceTokenizer t = stories();
    int[] all =
        IntStream.concat(IntStream.of(1, 403, 407, 261, 378), Arrays.stream(STORIES_CONTINUATION))
            .toArray();
    assertEquals(
        "Once upon a time, there was a little girl named Lily. She loved to play", t.decode(all));
  }

  @Test
  void encodesKnownLlama2Tokenisations() {
    SentencePieceTokenizer t = llama2();
    Vocabulary v = t.vocabulary();
    assertEquals(32000, t.vocabularySize());
    assertEquals(15043, v.id("\u2581Hello"));
    assertEquals(3186, v.id("\u2581world"));
    assertArrayEquals(new int[] {15043, 3186}, t.encode("Hello world"));
    // "[INST]" is ▁[ INST ] in Llama 2 chat prompts.
    assertArrayEquals(new int[] {v.id("\u2581["), v.id("INST"), v.id("]")}, t.encode("[INST]"));
    assertArrayEquals(new int[] {518, 25580, 29962}, t.encode("[INST]"));
    assertArrayEquals(new int[] {}, t.encode(""));
  }

  @Test
  void fallsBackToBytesForCharactersOutsideTheVocabulary() {
    SentencePieceTokenizer t = llama2();
    Vocabulary v = t.vocabulary();
    int[] ids = t.encode("😀");
    int[] expected = {
      v.id("\u2581"), v.id("<0xF0>"), v.id("<0x9F>"), v.id("<0x98>"), v.id("<0x80>")
    };
    assertArrayEquals(expected, ids);
    assertArrayEquals(new byte[] {(byte) 0xF0}, t.tokenBytes(v.id("<0xF0>")));
  }

  @Test
  void roundTripsUnicodeAndWhitespace() {
    SentencePieceTokenizer t = llama2();
    List<String> texts =
        List.of(
            "",
            "Hello world",
            " leading space",
            "  two leading spaces",
            "multiple   spaces   inside",
            "trailing space ",
            "tabs\tand\nnewlines\n\n",
            "\n",
            "emoji 😀 and a family 👨‍👩‍👧‍👦 and a flag 🇫🇷",
            "中文文本和日本語のテキスト",
            "مرحبا بالعالم",
            "combining e\u0301 vs é",
            "<s> spelled out is text, and so is <0x0A>");
    for (String s : texts) {
      assertEquals(s, t.decode(t.encode(s)), () -> "round trip of '" + s + "'");
    }
  }

  @Test
  void plainEncodeKeepsSpecialSpellingsAsText() {
    SentencePieceTokenizer t = llama2();
    int[] ids = t.encode("<s>hi</s>");
    assertTrue(Arrays.stream(ids).noneMatch(id -> id == 1 || id == 2));
  }

  @Test
  void specialTokensBecomeIdsAndTextAfterThemGetsThePrefixSpace() {
    SentencePieceTokenizer t = llama2();
    // As llama.cpp does: each piece of text that starts the input or follows a special token gets
    // the space prefix, so "<s>[INST]" spells "▁[" after BOS, as Meta's reference encoder does.
    int[] ids = t.encodeWithSpecialTokens("ok</s><s>[INST] hi");
    int[] expected =
        IntStream.concat(
                IntStream.concat(IntStream.of(t.encode("ok")), IntStream.of(2, 1)),
                IntStream.of(t.encode("[INST] hi")))
            .toArray();
    assertArrayEquals(expected, ids);
    // decode() skips the specials but keeps the space the second prefix added.
    assertEquals("ok [INST] hi", t.decode(ids));
  }

  @Test
  void reportsSpecialAndStopTokens() {
    SentencePieceTokenizer t = llama2();
    assertEquals(1, t.bos());
    assertEquals(2, t.eos());
    assertEquals(Set.of(2), t.stopTokens());
    assertTrue(t.isSpecial(0));
    assertTrue(t.isSpecial(1));
    assertTrue(t.isSpecial(2));
    assertFalse(t.isSpecial(15043));
    assertFalse(t.isSpecial(13)); // <0x0A> is text
    assertEquals(" Hello", new String(t.tokenBytes(15043), StandardCharsets.UTF_8));
    assertEquals("</s>", new String(t.tokenBytes(2), StandardCharsets.UTF_8));
  }

  @Test
  void encodesLongTextInNearLinearTime() {
    SentencePieceTokenizer t = llama2();
    String paragraph =
        "The quick brown fox jumps over the lazy dog, again and again. Ünïcödé, 日本語, 🙂!\n"
            + "\tNumbers 12345 and symbols #$%&*() keep the merges busy.\n";
    String text = paragraph.repeat(100_000 / paragraph.length() + 1);
    int tokens = t.encode(text).length; // warm-up
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long start = System.nanoTime();
      tokens = t.encode(text).length;
      best = Math.min(best, System.nanoTime() - start);
    }
    double perSecond = tokens / (best / 1e9);
    System.out.printf(
        "SentencePiece encode: %,d chars -> %,d tokens in %.1f ms (%,.0f tokens/s)%n",
        text.length(), tokens, best / 1e6, perSecond);
    // An O(n^2) rescan would take minutes here; the bound only catches that, not noise.
    assertTrue(perSecond > 10_000, () -> "encode too slow: " + perSecond + " tokens/s");
  }
}
