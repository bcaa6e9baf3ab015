package dev.fathom.retrieval.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into sentences with their character offsets. Uses the JDK's {@link BreakIterator},
 * then re-joins breaks that follow common abbreviations ("e.g.", "Dr.") and splits on blank lines
 * (paragraph or heading ends) that carry no punctuation.
 */
public final class SentenceSplitter {

  private static final Set<String> ABBREVIATIONS =
      Set.of(
          "e.g", "i.e", "etc", "vs", "cf", "dr", "mr", "mrs", "ms", "prof", "st", "no", "fig", "eq",
          "approx", "al", "jr", "sr", "inc", "ltd", "co", "u.s", "jan", "feb", "mar", "apr", "jun",
          "jul", "aug", "sep", "sept", "oct", "nov", "dec");

  /**
   * Version of the cutting ({@link #split} and {@link #isLayout}). Sentence vectors stored with a
   * passage at ingest are keyed by the spans of this cutting, so stored vectors of another version
   * are ignored (docs/compression.md); raise it whenever either method changes what it returns.
   */
  public static final int VERSION = 1;

  private SentenceSplitter() {}

  /**
   * The spans of {@code text} that can be evidence: {@link #split} without {@link #isLayout} lines.
   * Compressors cut their candidate sentences this way (then drop short fragments), and ingest
   * embeds exactly these spans, so a stored vector exists for every candidate.
   */
  public static List<TextSpan> sentences(String text) {
    List<TextSpan> out = new ArrayList<>();
    for (TextSpan s : split(text)) if (!isLayout(s.of(text))) out.add(s);
    return out;
  }

  /** Headings, table rows and code fences are layout, not sentences to show as evidence. */
  public static boolean isLayout(String sentence) {
    return sentence.startsWith("#") || sentence.startsWith("|") || sentence.startsWith("```");
  }

  /** Sentence spans of {@code text}, trimmed of surrounding whitespace, in order. */
  public static List<TextSpan> split(String text) {
    List<TextSpan> out = new ArrayList<>();
    int blockStart = 0;
    int lineStart = 0;
    // Blank lines end a sentence even without punctuation, and so do Markdown headings and list
    // items: they rarely end in a full stop, and the JDK iterator does not break at a newline.
    for (int i = 0; i <= text.length(); i++) {
      boolean newline = i < text.length() && text.charAt(i) == '\n';
      boolean blockEnd =
          i == text.length()
              || (newline && nextNonSpaceIsNewline(text, i + 1))
              || (newline && startsListOrHeading(text, i + 1))
              || (newline && startsHeading(text, lineStart));
      if (blockEnd) {
        splitBlock(text, blockStart, i, out);
        blockStart = i + 1;
      }
      if (newline) lineStart = i + 1;
    }
    return out;
  }

  private static boolean nextNonSpaceIsNewline(String text, int from) {
    for (int j = from; j < text.length(); j++) {
      char c = text.charAt(j);
      if (c == '\n') return true;
      if (!Character.isWhitespace(c)) return false;
    }
    return false;
  }

  private static boolean startsHeading(String text, int from) {
    int j = from;
    while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) j++;
    return j < text.length() && text.charAt(j) == '#';
  }

  private static boolean startsListOrHeading(String text, int from) {
    int j = from;
    while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) j++;
    if (j >= text.length()) return false;
    char c = text.charAt(j);
    if (c == '#' || c == '|') return true;
    return (c == '-' || c == '*' || c == '+') && j + 1 < text.length() && text.charAt(j + 1) == ' ';
  }

  private static void splitBlock(String text, int from, int to, List<TextSpan> out) {
    String block = text.substring(from, to);
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(block);
    int start = it.first();
    int pendingStart = -1;
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      int s = pendingStart >= 0 ? pendingStart : start;
      // A break with no whitespace before it falls inside a token ("./fathom-data", "v1.2"): not a
      // sentence end, whatever BreakIterator thinks.
      boolean insideToken = !Character.isWhitespace(block.charAt(end - 1));
      if (end < block.length() && (insideToken || endsWithAbbreviation(block, s, end))) {
        pendingStart = s;
        continue;
      }
      pendingStart = -1;
      addTrimmed(text, from + s, from + end, out);
    }
    if (pendingStart >= 0) addTrimmed(text, from + pendingStart, to, out);
  }

  private static boolean endsWithAbbreviation(String block, int start, int end) {
    int e = end;
    while (e > start && Character.isWhitespace(block.charAt(e - 1))) e--;
    if (e == start || block.charAt(e - 1) != '.') return false;
    int w = e - 1;
    while (w > start && !Character.isWhitespace(block.charAt(w - 1))) w--;
    String word = block.substring(w, e - 1);
    if (word.startsWith("(")) word = word.substring(1);
    // A lone capital I is the pronoun ending a sentence far more often than an initial.
    if (word.equals("I")) return false;
    word = word.toLowerCase(Locale.ROOT);
    return ABBREVIATIONS.contains(word)
        || (word.length() == 1 && Character.isLetter(word.charAt(0)));
  }

  private static void addTrimmed(String text, int start, int end, List<TextSpan> out) {
    while (start < end && Character.isWhitespace(text.charAt(start))) start++;
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) end--;
    if (end > start) out.add(new TextSpan(start, end));
  }
}
