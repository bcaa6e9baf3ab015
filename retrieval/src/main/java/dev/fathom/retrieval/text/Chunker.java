package dev.fathom.retrieval.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text into passages of whole sentences, about {@code targetWords} words each, with the last
 * {@code overlapSentences} sentences of one passage repeated at the start of the next so that a
 * fact stated across a boundary is still retrievable from one passage.
 *
 * <p>Packing is greedy: sentences are added while the passage stays within {@code targetWords}. A
 * passage always holds at least one new sentence, so one sentence longer than the target becomes a
 * passage of its own; a sentence longer than twice the target (a table, a log, text without
 * punctuation) is first cut at whitespace into pieces of at most {@code targetWords} words.
 *
 * @param targetWords the most words a passage should hold, in [16, 2000]
 * @param overlapSentences sentences repeated from the previous passage, in [0, 5]
 */
public record Chunker(int targetWords, int overlapSentences) {

  public static final int MIN_TARGET_WORDS = 16;
  public static final int MAX_TARGET_WORDS = 2000;
  public static final int MAX_OVERLAP_SENTENCES = 5;

  public Chunker {
    if (targetWords < MIN_TARGET_WORDS || targetWords > MAX_TARGET_WORDS) {
      throw new IllegalArgumentException(
          "targetWords must be in ["
              + MIN_TARGET_WORDS
              + ", "
              + MAX_TARGET_WORDS
              + "], got "
              + targetWords);
    }
    if (overlapSentences < 0 || overlapSentences > MAX_OVERLAP_SENTENCES) {
      throw new IllegalArgumentException(
          "overlapSentences must be in [0, "
              + MAX_OVERLAP_SENTENCES
              + "], got "
              + overlapSentences);
    }
  }

  /**
   * 48 words with one sentence of overlap: about 64 word pieces, two to four sentences. Embedding
   * cost grows with passage length, and at this size ingest keeps above 100 passages/s on two cores
   * (docs/performance.md); the compressor picks sentences anyway, so short passages cost answers
   * little. The same default as {@code fathom.ingest.chunk-words}.
   */
  public static Chunker defaults() {
    return new Chunker(48, 1);
  }

  /** Passage spans of {@code text} in order; empty when the text is blank. */
  public List<TextSpan> chunk(String text) {
    List<TextSpan> units = units(text);
    int[] words = new int[units.size()];
    for (int i = 0; i < words.length; i++) words[i] = countWords(text, units.get(i));

    List<TextSpan> chunks = new ArrayList<>();
    int next = 0; // first unit no passage has covered yet
    while (next < units.size()) {
      // Overlap is shed from the front when it would push the first new sentence over the target:
      // a passage made only of sentences the previous one already held would be a duplicate.
      int start = Math.max(0, next - overlapSentences);
      int total = sum(words, start, next + 1);
      while (start < next && total > targetWords) total -= words[start++];
      int end = next + 1;
      while (end < units.size() && total + words[end] <= targetWords) total += words[end++];
      chunks.add(new TextSpan(units.get(start).start(), units.get(end - 1).end()));
      next = end;
    }
    return chunks;
  }

  /** Sentences, with any longer than twice the target cut into target-sized pieces. */
  private List<TextSpan> units(String text) {
    List<TextSpan> units = new ArrayList<>();
    for (TextSpan sentence : SentenceSplitter.split(text)) {
      if (countWords(text, sentence) > 2 * targetWords) hardSplit(text, sentence, units);
      else units.add(sentence);
    }
    return units;
  }

  private void hardSplit(String text, TextSpan sentence, List<TextSpan> out) {
    List<TextSpan> words = words(text, sentence);
    // Even pieces: 250 words at a target of 100 become 84 + 83 + 83, not 100 + 100 + 50.
    int pieces = Math.ceilDiv(words.size(), targetWords);
    for (int p = 0; p < pieces; p++) {
      int from = (int) ((long) words.size() * p / pieces);
      int to = (int) ((long) words.size() * (p + 1) / pieces);
      out.add(new TextSpan(words.get(from).start(), words.get(to - 1).end()));
    }
  }

  private static List<TextSpan> words(String text, TextSpan span) {
    List<TextSpan> words = new ArrayList<>();
    int i = span.start();
    while (i < span.end()) {
      while (i < span.end() && Character.isWhitespace(text.charAt(i))) i++;
      int start = i;
      while (i < span.end() && !Character.isWhitespace(text.charAt(i))) i++;
      if (i > start) words.add(new TextSpan(start, i));
    }
    return words;
  }

  /** Words are runs of non-whitespace, the same rule {@link #hardSplit} cuts by. */
  static int countWords(String text, TextSpan span) {
    int count = 0;
    boolean inWord = false;
    for (int i = span.start(); i < span.end(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) count++;
      inWord = !space;
    }
    return count;
  }

  private static int sum(int[] values, int from, int to) {
    int total = 0;
    for (int i = from; i < to; i++) total += values[i];
    return total;
  }
}
