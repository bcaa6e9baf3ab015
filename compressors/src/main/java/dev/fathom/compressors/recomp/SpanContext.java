package dev.fathom.compressors.recomp;

import dev.fathom.compressors.Terms;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a clause span sits relative to the question's words in its sentence, and how it compares
 * with its sibling spans. A SQuAD answer is seldom among the question's words but right next to
 * them (Rajpurkar et al., EMNLP 2016, §4: answers sit near the lexically matched words; the sliding
 * window baseline scores a window around the match): "The tower was completed in [1889]" answers
 * "When was the tower completed?". So the trees see how many analysed terms lie between the span
 * and the nearest question term before and after it, the rarity-weighted match of a few terms
 * either side of it, and whether the span is the sibling that holds the kind of thing the question
 * asks for (Li and Roth, COLING 2002) or the word that follows the question's wh-word ("which
 * <b>river</b>", "how many <b>people</b>").
 *
 * <p>A unit that is a whole sentence has no siblings: it reads as if no question term were near.
 */
final class SpanContext {

  /** Column names, appended after {@link SpanFeatures}' own span columns. */
  static final List<String> NAMES =
      List.of(
          "span_gap_before",
          "span_gap_after",
          "span_gap_min",
          "span_window_weighted",
          "span_window_minus_best",
          "span_window_rank_in_sentence",
          "span_weighted_minus_sibling_best",
          "span_capitalised_minus_sibling_best",
          "span_type_match_siblings",
          "span_has_focus",
          "span_candidate_gap",
          "sentence_candidate_gap");

  /** Terms counted as "no question term on this side". */
  static final int FAR = 20;

  /** Terms either side of the span read by the window match. */
  static final int WINDOW = 6;

  /** Words after "what" that are no focus ("what is", "what did"). */
  private static final Set<String> AUXILIARIES =
      Set.of(
          "is", "was", "are", "were", "did", "does", "do", "has", "had", "have", "kind", "type",
          "can", "could", "would", "will", "should", "of", "the", "a", "an");

  private SpanContext() {}

  /**
   * Rows of {@link #NAMES}' columns, row-major.
   *
   * @param facts each span's text facts
   * @param weighted each span's rarity-weighted share of the question's terms
   * @param capitalised each span's capitalised words the question lacks
   * @param typeMatch each span holds the kind of thing the question asks for
   * @param words the words of a sentence's text ({@link AnswerCandidates#words}), remembered
   */
  static float[] extract(
      String question,
      List<CandidateSpan> spans,
      List<TextFacts> facts,
      Set<String> qTerms,
      Map<String, Double> idf,
      double idfTotal,
      float[] weighted,
      float[] capitalised,
      boolean[] typeMatch,
      java.util.function.Function<String, AnswerCandidates.Words> words) {
    int n = spans.size();
    int k = NAMES.size();
    float[] x = new float[n * k];
    float[] window = new float[n];
    int[] gapBefore = new int[n], gapAfter = new int[n];
    String focus = focus(question);
    float[][] candidateGaps = AnswerCandidates.gaps(question, spans, words);
    for (int i = 0; i < n; i++) {
      CandidateSpan s = spans.get(i);
      gapBefore[i] = FAR;
      gapAfter[i] = FAR;
      if (s.pieces() == 1) continue;
      List<String> before = new ArrayList<>(), after = new ArrayList<>();
      int first = i - s.piece();
      for (int j = first; j < i; j++) before.addAll(facts.get(j).sequence());
      for (int j = i + 1; j < first + s.pieces(); j++) after.addAll(facts.get(j).sequence());
      for (int p = before.size() - 1; p >= 0; p--) {
        if (qTerms.contains(before.get(p))) {
          gapBefore[i] = Math.min(FAR, before.size() - 1 - p);
          break;
        }
      }
      for (int p = 0; p < after.size(); p++) {
        if (qTerms.contains(after.get(p))) {
          gapAfter[i] = Math.min(FAR, p);
          break;
        }
      }
      double sum = 0;
      java.util.Set<String> seen = new java.util.HashSet<>();
      List<String> near = new ArrayList<>();
      near.addAll(before.subList(Math.max(0, before.size() - WINDOW), before.size()));
      near.addAll(after.subList(0, Math.min(WINDOW, after.size())));
      for (String t : near) if (qTerms.contains(t) && seen.add(t)) sum += idf.get(t);
      window[i] = idfTotal == 0 ? 0 : (float) (sum / idfTotal);
    }
    float bestWindow = SentenceFeatures.max(window);
    for (int i = 0; i < n; i++) {
      CandidateSpan s = spans.get(i);
      int at = i * k;
      x[at] = gapBefore[i];
      x[at + 1] = gapAfter[i];
      x[at + 2] = Math.min(gapBefore[i], gapAfter[i]);
      x[at + 3] = window[i];
      x[at + 4] = window[i] - bestWindow;
      int rank = 0, matches = 0;
      float siblingWeighted = 0, siblingCapitalised = 0;
      if (s.pieces() > 1) {
        int first = i - s.piece();
        for (int j = first; j < first + s.pieces(); j++) {
          if (j == i) continue;
          if (window[j] > window[i]) rank++;
          if (typeMatch[j]) matches++;
          siblingWeighted = Math.max(siblingWeighted, weighted[j]);
          siblingCapitalised = Math.max(siblingCapitalised, capitalised[j]);
        }
      }
      x[at + 5] = rank;
      x[at + 6] = weighted[i] - siblingWeighted;
      x[at + 7] = capitalised[i] - siblingCapitalised;
      x[at + 8] = matches;
      x[at + 9] = focus != null && facts.get(i).terms().contains(focus) ? 1 : 0;
      x[at + 10] = candidateGaps[0][i];
      x[at + 11] = candidateGaps[1][i];
    }
    return x;
  }

  /**
   * The analysed term of the word after the question's "what", "which", "whose", "how many" or "how
   * much" ("which river" gives "river"), or null when there is none.
   */
  static String focus(String question) {
    String[] w = question.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
    for (int i = 0; i + 1 < w.length; i++) {
      int at = -1;
      if (w[i].equals("what") || w[i].equals("which") || w[i].equals("whose")) at = i + 1;
      if (w[i].equals("how") && (w[i + 1].equals("many") || w[i + 1].equals("much"))) at = i + 2;
      if (at < 0 || at >= w.length || AUXILIARIES.contains(w[at])) continue;
      List<String> t = Terms.sequence(w[at]);
      if (!t.isEmpty()) return t.getFirst();
    }
    return null;
  }
}
