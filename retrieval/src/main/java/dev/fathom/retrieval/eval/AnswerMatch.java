package dev.fathom.retrieval.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * SQuAD answer matching with the normalisation of the official {@code evaluate-v1.1.py} (Rajpurkar
 * et al., "SQuAD: 100,000+ Questions for Machine Comprehension of Text", EMNLP 2016): lower-case,
 * delete ASCII punctuation, replace the whole words a/an/the by a space, collapse whitespace.
 */
public final class AnswerMatch {

  // Python's string.punctuation: ASCII only, and deleted rather than replaced by a space, so
  // "Levi's" becomes "levis" and "Franco-Prussian" becomes "francoprussian".
  private static final Pattern PUNCTUATION =
      Pattern.compile("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]");
  // Python 3's re treats \b and \s as Unicode-aware for str patterns; match that.
  private static final Pattern ARTICLES =
      Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WHITESPACE =
      Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

  private AnswerMatch() {}

  /** The official SQuAD normalisation of {@code text}. */
  public static String normalize(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.toLowerCase(Locale.ROOT);
    s = PUNCTUATION.matcher(s).replaceAll("");
    s = ARTICLES.matcher(s).replaceAll(" ");
    return WHITESPACE.matcher(s).replaceAll(" ").strip();
  }

  /**
   * Whether the normalised text contains a normalised answer as a run of whole tokens, so "1" does
   * not match "10". An answer that normalises to nothing ("the", "!") never matches.
   */
  public static boolean containsAny(String text, List<String> answers) {
    Objects.requireNonNull(answers, "answers");
    // After normalisation tokens are separated by single spaces, so padding both sides with a
    // space turns the word-boundary test into a plain substring test.
    String padded = " " + normalize(text) + " ";
    for (String answer : answers) {
      String normalized = normalize(answer);
      if (!normalized.isEmpty() && padded.contains(" " + normalized + " ")) {
        return true;
      }
    }
    return false;
  }

  /** SQuAD exact match: whether the prediction equals some gold answer after normalisation. */
  public static boolean exactMatch(String prediction, List<String> golds) {
    String normalized = normalize(prediction);
    return requireGolds(golds).stream().anyMatch(gold -> normalize(gold).equals(normalized));
  }

  /** SQuAD token F1: the harmonic mean of token precision and recall, maximised over golds. */
  public static double f1(String prediction, List<String> golds) {
    List<String> predicted = tokens(prediction);
    return requireGolds(golds).stream()
        .mapToDouble(gold -> f1(predicted, tokens(gold)))
        .max()
        .orElseThrow();
  }

  private static double f1(List<String> predicted, List<String> gold) {
    // Multiset intersection, as collections.Counter's & in the official script.
    Map<String, Integer> remaining = new HashMap<>();
    gold.forEach(token -> remaining.merge(token, 1, Integer::sum));
    int same = 0;
    for (String token : predicted) {
      Integer left = remaining.get(token);
      if (left != null && left > 0) {
        remaining.put(token, left - 1);
        same++;
      }
    }
    if (same == 0) {
      return 0;
    }
    double precision = (double) same / predicted.size();
    double recall = (double) same / gold.size();
    return 2 * precision * recall / (precision + recall);
  }

  private static List<String> tokens(String text) {
    String normalized = normalize(text);
    return normalized.isEmpty() ? List.of() : List.of(normalized.split(" "));
  }

  // The official script asserts there is at least one gold answer; a mean over questions that
  // silently scored 0 for want of golds would understate the reader.
  private static List<String> requireGolds(List<String> golds) {
    Objects.requireNonNull(golds, "golds");
    if (golds.isEmpty()) {
      throw new IllegalArgumentException("at least one gold answer is needed, got none");
    }
    return golds;
  }
}
