package dev.fathom.compressors.recomp;

import dev.fathom.compressors.Terms;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@link SpanFeatures} reads of a span's text that does not depend on the question: its
 * analysed terms, word count, capitalised words, numbers, years, months and quantity words. A
 * question's ~85 units cost a dozen regular-expression scans each; popular passages come back
 * question after question, so the trained compressor remembers these facts per text ({@link
 * Cache}), as {@link TokenCounts} remembers token counts.
 *
 * @param sequence analysed content terms in reading order ({@link Terms#sequence})
 * @param terms the distinct terms
 * @param pairs adjacent term pairs
 * @param words whitespace-separated words
 * @param pieces the text split at non-letters and non-digits (for capitalised words)
 * @param digits digit characters
 * @param numbers number tokens (for numbers the question lacks)
 * @param opening the kind of word the text opens with ({@link SpanFeatures#opening})
 * @param answerWords its words as {@link AnswerCandidates} reads them
 */
record TextFacts(
    List<String> sequence,
    Set<String> terms,
    Set<String> pairs,
    int words,
    String[] pieces,
    int digits,
    boolean year,
    boolean month,
    boolean quantity,
    List<String> numbers,
    int opening,
    AnswerCandidates.Words answerWords) {

  private static final Pattern YEAR = Pattern.compile("\\b(1[5-9]\\d\\d|20\\d\\d)\\b");
  private static final Pattern NUMBER_TOKEN = Pattern.compile("\\d[\\d,.]*");

  static TextFacts of(String text) {
    List<String> seq = Terms.sequence(text);
    int digits = 0;
    for (int i = 0; i < text.length(); i++)
      if (text.charAt(i) >= '0' && text.charAt(i) <= '9') digits++;
    return new TextFacts(
        seq,
        new HashSet<>(seq),
        SentenceFeatures.pairs(seq),
        text.split("\\s+").length,
        text.split("[^\\p{L}\\p{N}]+"),
        digits,
        YEAR.matcher(text).find(),
        AnswerType.hasMonth(text),
        AnswerType.hasQuantity(text),
        NUMBER_TOKEN.matcher(text).results().map(m -> m.group()).toList(),
        SpanFeatures.opening(text),
        AnswerCandidates.words(text));
  }

  /** {@link AnswerType#newNumbers}: number tokens the question does not contain. */
  int newNumbers(String question) {
    int count = 0;
    for (String n : numbers) if (!question.contains(n)) count++;
    return count;
  }

  /**
   * {@link SentenceFeatures#newCapitalised} of the text, counting its first word too unless {@code
   * startsSentence} (a sentence's first word is capitalised anyway).
   */
  int newCapitalised(boolean startsSentence, Set<String> questionWords) {
    // The text itself skips pieces[0]; ". " + text skips only an empty leading piece.
    int from = startsSentence || (pieces.length > 0 && pieces[0].isEmpty()) ? 1 : 0;
    int count = 0;
    for (int i = from; i < pieces.length; i++) {
      String w = pieces[i];
      if (!w.isEmpty()
          && Character.isUpperCase(w.charAt(0))
          && !questionWords.contains(w.toLowerCase(Locale.ROOT))) {
        count++;
      }
    }
    return count;
  }

  /** Facts of recently seen texts (LRU), shared by the questions one compressor answers. */
  static final class Cache {
    private final RememberedTexts<TextFacts> facts;

    /**
     * @param capacity texts remembered; the least recently used is forgotten first
     */
    Cache(int capacity) {
      this.facts = new RememberedTexts<>(capacity, TextFacts::of);
    }

    TextFacts of(String text) {
      return facts.of(text);
    }
  }
}
