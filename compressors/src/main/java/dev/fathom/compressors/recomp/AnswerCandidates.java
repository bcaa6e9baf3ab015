package dev.fathom.compressors.recomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How close the words that could be the answer sit to the question's words: the proximity feature
 * of answer extraction before neural readers (the sliding-window and distance baselines of
 * Rajpurkar et al., EMNLP 2016, §5; Li and Roth's answer types, COLING 2002). A word is a candidate
 * when it has the form the question's answer type asks for (a year, decade or month for "when", a
 * number or quantity word for "how many", a capitalised word the question lacks for "who" and
 * "where", either of the last two otherwise); its distance is the number of words between it and
 * the nearest word of the question in the same sentence. A sentence whose year stands right beside
 * the question's words answers a "when" question more often than one that repeats the question with
 * its year far off, which neither the sentence's cosine nor its word overlap can tell.
 */
final class AnswerCandidates {

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Pattern TIME =
      Pattern.compile(
          "(1[0-9]\\d\\d|20\\d\\d)s?|\\d{1,3}(st|nd|rd|th)|january|february|march|april|may|june"
              + "|july|august|september|october|november|december|century|centuries");
  private static final Pattern QUANTITY =
      Pattern.compile(
          ".*\\d.*|percent|million|billion|thousand|hundred|dozen|one|two|three|four|five|six"
              + "|seven|eight|nine|ten|twenty|fifty");

  /** Short words that match the question without saying anything ("the", "was"). */
  private static final int MIN_MATCH_CHARS = 4;

  private AnswerCandidates() {}

  /**
   * The words of a text with what marks them as candidates, whatever the question (remembered per
   * text with its {@link TextFacts}).
   *
   * @param start each word's first character
   * @param end each word's end
   * @param lower each word in lower case
   * @param kind each word's {@link #TIME_WORD}, {@link #QUANTITY_WORD}, {@link #CAPITALISED},
   *     {@link #DIGIT} bits
   */
  record Words(int[] start, int[] end, String[] lower, byte[] kind) {}

  static final byte TIME_WORD = 1, QUANTITY_WORD = 2, CAPITALISED = 4, DIGIT = 8;

  static Words words(String text) {
    List<int[]> at = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) at.add(new int[] {m.start(), m.end()});
    int n = at.size();
    Words w = new Words(new int[n], new int[n], new String[n], new byte[n]);
    for (int k = 0; k < n; k++) {
      w.start[k] = at.get(k)[0];
      w.end[k] = at.get(k)[1];
      String raw = text.substring(w.start[k], w.end[k]);
      String lower = raw.toLowerCase(Locale.ROOT);
      w.lower[k] = lower;
      int kind = 0;
      if (TIME.matcher(lower).matches()) kind |= TIME_WORD;
      if (QUANTITY.matcher(lower).matches()) kind |= QUANTITY_WORD;
      if (k > 0 && Character.isUpperCase(raw.charAt(0))) kind |= CAPITALISED;
      if (lower.chars().anyMatch(Character::isDigit)) kind |= DIGIT;
      w.kind[k] = (byte) kind;
    }
    return w;
  }

  /**
   * Per span: words between its nearest candidate and a question word of its sentence ({@link
   * SpanContext#FAR} when it holds no candidate or its sentence no question word); then per span,
   * the same for the best candidate anywhere in its sentence.
   *
   * @param words the words of a sentence's text, usually remembered
   */
  static float[][] gaps(String question, List<CandidateSpan> spans, Function<String, Words> words) {
    int type = AnswerType.of(question);
    Set<String> qWords = SentenceFeatures.words(question);
    float[] span = new float[spans.size()], sentence = new float[spans.size()];
    CandidateSentence current = null;
    List<int[]> found = List.of(); // {start, end, gap} of each candidate word
    float best = SpanContext.FAR;
    for (int i = 0; i < spans.size(); i++) {
      CandidateSpan s = spans.get(i);
      if (s.sentence() != current) {
        current = s.sentence();
        found = candidates(words.apply(current.text()), type, qWords);
        best = SpanContext.FAR;
        for (int[] w : found) best = Math.min(best, w[2]);
      }
      float g = SpanContext.FAR;
      for (int[] w : found) if (w[0] >= s.start() && w[1] <= s.end()) g = Math.min(g, w[2]);
      span[i] = g;
      sentence[i] = best;
    }
    return new float[][] {span, sentence};
  }

  /** The candidate words of {@code text}: {start, end, words to the nearest question word}. */
  static List<int[]> candidates(String text, int type, Set<String> qWords) {
    return candidates(words(text), type, qWords);
  }

  static List<int[]> candidates(Words w, int type, Set<String> qWords) {
    int n = w.lower().length;
    boolean[] match = new boolean[n];
    boolean anyMatch = false;
    for (int k = 0; k < n; k++) {
      match[k] = w.lower()[k].length() >= MIN_MATCH_CHARS && qWords.contains(w.lower()[k]);
      anyMatch |= match[k];
    }
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      if (qWords.contains(w.lower()[k])) continue;
      int kind = w.kind()[k];
      boolean candidate =
          switch (type) {
            case 1 -> (kind & TIME_WORD) != 0;
            case 2 -> (kind & QUANTITY_WORD) != 0;
            case 3, 4 -> (kind & CAPITALISED) != 0;
            default -> (kind & (CAPITALISED | DIGIT)) != 0;
          };
      if (!candidate) continue;
      int gap = SpanContext.FAR;
      if (anyMatch) {
        for (int j = 0; j < n; j++) if (match[j]) gap = Math.min(gap, Math.abs(j - k) - 1);
      }
      out.add(new int[] {w.start()[k], w.end()[k], gap});
    }
    return out;
  }
}
