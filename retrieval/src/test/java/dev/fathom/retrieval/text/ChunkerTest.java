package dev.fathom.retrieval.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkerTest {

  /** {@code count} sentences of {@code words} words each: "Sa1 w w w." style, easy to count. */
  private static String sentences(int count, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) sb.append(' ');
      sb.append("Sentence").append(i);
      for (int w = 1; w < words; w++) sb.append(" word");
      sb.append('.');
    }
    return sb.toString();
  }

  private static List<String> chunks(Chunker chunker, String text) {
    return chunker.chunk(text).stream().map(s -> s.of(text)).toList();
  }

  private static int words(String s) {
    return s.isBlank() ? 0 : s.strip().split("\\s+").length;
  }

  @Test
  void rejectsTargetOutsideRangeNamingValueAndRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Chunker(15, 1));
    assertEquals("targetWords must be in [16, 2000], got 15", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Chunker(2001, 1));
  }

  @Test
  void rejectsOverlapOutsideRangeNamingValueAndRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Chunker(96, 6));
    assertEquals("overlapSentences must be in [0, 5], got 6", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Chunker(96, -1));
  }

  @Test
  void defaultsAreFortyEightWordsAndOneSentenceOfOverlap() {
    assertEquals(new Chunker(48, 1), Chunker.defaults());
  }

  @Test
  void emptyOrWhitespaceOnlyTextHasNoChunks() {
    assertTrue(Chunker.defaults().chunk("").isEmpty());
    assertTrue(Chunker.defaults().chunk("  \n\n\t ").isEmpty());
  }

  @Test
  void oneSentenceIsOneTrimmedChunk() {
    String text = "  Just one sentence here.  ";
    assertEquals(List.of("Just one sentence here."), chunks(Chunker.defaults(), text));
  }

  @Test
  void packsWholeSentencesUpToTheTarget() {
    // Five-word sentences at a target of 16: three fit (15 words), a fourth would not (20).
    String text = sentences(7, 5);
    List<String> chunks = chunks(new Chunker(16, 0), text);
    assertEquals(3, chunks.size());
    assertEquals(List.of(15, 15, 5), chunks.stream().map(ChunkerTest::words).toList());
    assertTrue(chunks.get(1).startsWith("Sentence3 "));
  }

  @Test
  void nextChunkRepeatsTheLastOverlapSentences() {
    String text = sentences(7, 5);
    List<String> chunks = chunks(new Chunker(16, 1), text);
    // Sentences [0..2], [2..4], [4..6].
    assertEquals(3, chunks.size());
    assertTrue(chunks.get(0).endsWith("Sentence2 word word word word."));
    assertTrue(chunks.get(1).startsWith("Sentence2 "));
    assertTrue(chunks.get(1).endsWith("Sentence4 word word word word."));
    assertTrue(chunks.get(2).startsWith("Sentence4 "));
    assertTrue(chunks.get(2).endsWith("Sentence6 word word word word."));
  }

  @Test
  void overlapIsShedRatherThanRepeatingAChunkOrExceedingTheTarget() {
    // Ten-word sentences at a target of 16: a repeated sentence plus a new one would be 20 words.
    String text = sentences(3, 10);
    List<String> chunks = chunks(new Chunker(16, 2), text);
    assertEquals(3, chunks.size());
    for (int i = 0; i < 3; i++) assertTrue(chunks.get(i).startsWith("Sentence" + i + " "));
  }

  @Test
  void sentenceLongerThanTargetButWithinTwiceIsKeptWhole() {
    String text =
        "Short one here. " + sentences(1, 30).replace("Sentence0", "Long") + " Short two.";
    List<String> chunks = chunks(new Chunker(16, 0), text);
    assertEquals(3, chunks.size());
    assertEquals(30, words(chunks.get(1)));
  }

  @Test
  void sentenceLongerThanTwiceTheTargetIsHardSplitIntoEvenPieces() {
    String text = sentences(1, 100);
    List<String> chunks = chunks(new Chunker(16, 1), text);
    // ceil(100 / 16) = 7 pieces of 14 or 15 words; the overlap is shed because 29 > 16.
    assertEquals(7, chunks.size());
    for (String c : chunks) assertTrue(words(c) >= 14 && words(c) <= 15, c);
    assertEquals(100, chunks.stream().mapToInt(ChunkerTest::words).sum());
  }

  @Test
  void textWithoutPunctuationIsSplitAtWhitespace() {
    String text = "lorem ipsum ".repeat(50).strip();
    List<String> chunks = chunks(new Chunker(16, 0), text);
    assertEquals(String.join(" ", chunks), text);
    for (String c : chunks) assertTrue(words(c) <= 16, c);
  }

  @ParameterizedTest(name = "{0} sentences, target {1}, overlap {2}")
  @CsvSource({
    "1, 16, 0",
    "1, 96, 1",
    "13, 16, 1",
    "13, 16, 5",
    "13, 96, 1",
    "207, 16, 2",
    "207, 96, 1",
    "207, 2000, 5",
    "702, 64, 3"
  })
  void invariantsHoldForAwkwardSizes(int sentenceCount, int target, int overlap) {
    String text = randomText(sentenceCount, new Random(sentenceCount * 31L + target));
    Chunker chunker = new Chunker(target, overlap);
    List<TextSpan> spans = chunker.chunk(text);
    List<TextSpan> sentences = SentenceSplitter.split(text);

    assertFalse(spans.isEmpty());
    boolean[] covered = new boolean[text.length()];
    TextSpan previous = null;
    for (TextSpan span : spans) {
      String chunk = span.of(text);
      // Offsets round-trip: a chunk is exactly its slice of the text, trimmed.
      assertEquals(chunk.strip(), chunk);
      assertFalse(chunk.isEmpty());
      for (int i = span.start(); i < span.end(); i++) covered[i] = true;

      int w = words(chunk);
      if (w > target) {
        // Only a single sentence within twice the target may exceed it.
        assertTrue(sentences.contains(span), "over-long chunk is not one sentence: " + chunk);
        assertTrue(w <= 2 * target, chunk);
      }
      if (previous != null) {
        assertTrue(span.start() > previous.start() && span.end() > previous.end(), "order");
        int previousEnd = previous.end();
        long shared =
            sentences.stream()
                .filter(s -> s.start() >= span.start() && s.end() <= previousEnd)
                .count();
        assertTrue(shared <= overlap, "overlap of " + shared + " sentences");
      }
      previous = span;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isWhitespace(text.charAt(i))) assertTrue(covered[i], "uncovered at " + i);
    }
  }

  /** Sentences of 1 to 40 words, a few of 120, and paragraph breaks, from a fixed seed. */
  private static String randomText(int sentenceCount, Random random) {
    String[] vocabulary = {"retrieval", "vector", "index", "passage", "query", "score", "token"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sentenceCount; i++) {
      int words = random.nextInt(20) == 0 ? 120 : 1 + random.nextInt(40);
      List<String> sentence = new ArrayList<>();
      sentence.add("Topic" + i);
      for (int w = 1; w < words; w++) sentence.add(vocabulary[random.nextInt(vocabulary.length)]);
      sb.append(String.join(" ", sentence)).append('.');
      sb.append(random.nextInt(5) == 0 ? "\n\n" : " ");
    }
    return sb.toString();
  }
}
