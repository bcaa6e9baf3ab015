package dev.fathom.compressors.recomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a candidate sentence into clause-like spans, the trained compressor's unit of extraction. A
 * compression rate of 6 % of five SQuAD passages is about 48 model tokens, little more than one
 * sentence; the answer usually sits in one clause of its sentence, so choosing clauses lets the
 * budget buy the answer's clause of two or three sentences instead of one whole sentence
 * (sub-sentence extraction, as in EXIT, Hwang et al. 2024, and the clause-level evidence of FilCo,
 * Wang et al. 2023).
 *
 * <p>A sentence is cut after {@code , ; :}, around dashes and parentheses, and, when {@code
 * beforeWords} is on, before relative and subordinating words (which, who, where, while, because
 * …). Pieces shorter than {@code minWords} words are joined to the piece after them (the last to
 * the one before), so that no span is a bare name cut off from what it names. Spans never cross the
 * sentence and cover it without gaps, except for the whitespace between them.
 *
 * <p>With {@code alsoWhole}, a sentence that was cut is also a unit of its own, besides its spans
 * ({@link CandidateSpan#of}): the selection keeps either the whole sentence or some of its spans
 * ({@link SelectionPolicy}), so a question whose answer clause is unsure can buy the sentence.
 *
 * @param minWords least words of a span (a sentence shorter than that stays whole)
 * @param beforeWords also cut before relative and subordinating words
 * @param alsoWhole also offer each cut sentence whole
 */
public record ClauseCutter(int minWords, boolean beforeWords, boolean alsoWhole) {

  /** Words a new clause starts with; "and", "or" and "that" are left out (they join names). */
  private static final Set<String> CLAUSE_WORDS =
      Set.of(
          "which",
          "who",
          "whom",
          "whose",
          "where",
          "when",
          "while",
          "whereas",
          "although",
          "though",
          "because",
          "but",
          "since",
          "until",
          "after",
          "before",
          "unless",
          "whereby");

  /** A cut after punctuation (comma, semicolon, colon, closing bracket, dash), before its space. */
  private static final Pattern AFTER =
      Pattern.compile("[,;:)\\]\u2014\u2013](?=\\s)|\\s[-\u2014\u2013](?=\\s)");

  /** A cut before an opening bracket or a dash glued to the next word. */
  private static final Pattern BEFORE = Pattern.compile("(?<=\\s)[(\\[]|(?<=\\S)\u2014(?=\\S)");

  private static final Pattern WORD = Pattern.compile("(?<=\\s)(\\p{L}+)(?=\\s)");

  public ClauseCutter {
    if (minWords < 1 || minWords > 100) {
      throw new IllegalArgumentException("minWords must be in [1, 100], got " + minWords);
    }
  }

  /** Spans only, each sentence cut. */
  public ClauseCutter(int minWords, boolean beforeWords) {
    this(minWords, beforeWords, false);
  }

  /** The cutter the shipped model was trained with (chosen on squad-dev's half 0). */
  public static ClauseCutter defaults() {
    return new ClauseCutter(6, true, true);
  }

  /** Name stored with a model, so that a model is read with the units it was trained on. */
  public String id() {
    return "clauses(minWords="
        + minWords
        + ",beforeWords="
        + beforeWords
        + (alsoWhole ? ",alsoWhole=true" : "")
        + ")";
  }

  /** The cutter {@link #id} names; null when {@code id} names none (a model of another kind). */
  public static ClauseCutter parse(String id) {
    Matcher m =
        id == null
            ? null
            : Pattern.compile(
                    "clauses\\(minWords=(\\d+),beforeWords=(true|false)(,alsoWhole=true)?\\)")
                .matcher(id);
    if (m == null || !m.matches()) return null;
    return new ClauseCutter(
        Integer.parseInt(m.group(1)), Boolean.parseBoolean(m.group(2)), m.group(3) != null);
  }

  /** Start (inclusive) and end (exclusive) offsets of the spans of {@code sentence}, in order. */
  public List<int[]> cut(String sentence) {
    List<Integer> cuts = new ArrayList<>();
    Matcher m = AFTER.matcher(sentence);
    while (m.find()) cuts.add(m.end());
    m = BEFORE.matcher(sentence);
    while (m.find()) cuts.add(m.start());
    if (beforeWords) {
      m = WORD.matcher(sentence);
      while (m.find()) {
        if (CLAUSE_WORDS.contains(m.group(1).toLowerCase(Locale.ROOT))) cuts.add(m.start());
      }
    }
    cuts.sort(null);
    List<int[]> pieces = new ArrayList<>();
    int from = 0;
    for (int c : cuts) {
      if (c <= from || c >= sentence.length()) continue;
      pieces.add(trim(sentence, from, c));
      from = c;
    }
    pieces.add(trim(sentence, from, sentence.length()));
    pieces.removeIf(p -> p[1] <= p[0]);
    return join(sentence, pieces);
  }

  /** Joins pieces shorter than {@code minWords} words to their next (the last to its previous). */
  private List<int[]> join(String sentence, List<int[]> pieces) {
    List<int[]> out = new ArrayList<>();
    int[] open = null;
    for (int[] p : pieces) {
      open = open == null ? p : new int[] {open[0], p[1]};
      if (words(sentence, open) >= minWords) {
        out.add(open);
        open = null;
      }
    }
    if (open != null) {
      if (out.isEmpty()) out.add(open);
      else out.set(out.size() - 1, new int[] {out.getLast()[0], open[1]});
    }
    return out;
  }

  private static int words(String s, int[] span) {
    int n = 0;
    boolean in = false;
    for (int i = span[0]; i < span[1]; i++) {
      boolean w = !Character.isWhitespace(s.charAt(i));
      if (w && !in) n++;
      in = w;
    }
    return n;
  }

  private static int[] trim(String s, int from, int to) {
    while (from < to && Character.isWhitespace(s.charAt(from))) from++;
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) to--;
    return new int[] {from, to};
  }
}
