package dev.fathom.retrieval.rank;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Proximity and term-frequency signals of one passage for a question's analysed terms: how close
 * together the matched terms stand, how often they occur, and how well the best single sentence
 * scores by BM25.
 *
 * <p>The smallest window covering all matched query terms is the span measure of Tao and Zhai, "An
 * Exploration of Proximity Measures in Information Retrieval" (SIGIR 2007), where the minimum span
 * and minimum pair distance were the proximity measures that helped BM25 and language models. A
 * passage whose matched terms sit in one phrase is more likely about the question than one that
 * mentions them far apart; the BM25 field sees only bags of terms.
 */
final class ProximityFeatures {

  /** Lucene's {@code BM25Similarity} defaults, the index's own. */
  static final double K1 = 1.2;

  static final double B = 0.75;

  private ProximityFeatures() {}

  /**
   * Matched distinct question terms over the length (in analysed tokens) of the smallest window of
   * {@code tokens} that contains every one of them: 1 when they stand side by side, near 0 when far
   * apart, 0 when none matches (Tao and Zhai's minimum span, normalised by the matches).
   */
  static float windowDensity(Map<String, Double> question, List<String> tokens) {
    Map<String, Integer> need = new HashMap<>();
    for (String t : tokens) if (question.containsKey(t)) need.putIfAbsent(t, 0);
    int distinct = need.size();
    if (distinct == 0) return 0;
    int best = Integer.MAX_VALUE;
    int covered = 0;
    int left = 0;
    for (int right = 0; right < tokens.size(); right++) {
      Integer c = need.get(tokens.get(right));
      if (c == null) continue;
      if (c == 0) covered++;
      need.put(tokens.get(right), c + 1);
      while (covered == distinct) {
        best = Math.min(best, right - left + 1);
        Integer l = need.get(tokens.get(left));
        if (l != null) {
          if (l == 1) covered--;
          need.put(tokens.get(left), l - 1);
        }
        left++;
      }
    }
    return (float) distinct / best;
  }

  /**
   * Σ idf(t)·log(1 + tf(t)) over the question's terms, over Σ idf(t): the idf-weighted coverage,
   * with repeated mentions counting (with diminishing returns, as BM25's saturation).
   */
  static float tfCoverage(Map<String, Double> idf, Map<String, Integer> tf) {
    double all = 0;
    double hit = 0;
    for (Map.Entry<String, Double> e : idf.entrySet()) {
      all += e.getValue();
      hit += e.getValue() * Math.log1p(tf.getOrDefault(e.getKey(), 0));
    }
    return all <= 0 ? 0 : (float) (hit / all);
  }

  /**
   * BM25 of one sentence for the question's terms (idf of the index, length normalised by {@code
   * averageLength} tokens), over its maximum (k1 + 1)·Σ idf, so the value lies in [0, 1).
   */
  static float sentenceBm25(Map<String, Double> idf, List<String> sentence, double averageLength) {
    double all = 0;
    for (double w : idf.values()) all += w;
    if (all <= 0 || sentence.isEmpty()) return 0;
    Map<String, Integer> tf = new HashMap<>();
    for (String t : sentence) if (idf.containsKey(t)) tf.merge(t, 1, Integer::sum);
    double norm = K1 * (1 - B + B * sentence.size() / Math.max(1e-9, averageLength));
    double score = 0;
    for (Map.Entry<String, Integer> e : tf.entrySet()) {
      score += idf.get(e.getKey()) * e.getValue() * (K1 + 1) / (e.getValue() + norm);
    }
    return (float) (score / ((K1 + 1) * all));
  }

  /**
   * Writes window_density, tf_coverage and sentence_bm25 of every candidate into columns {@code
   * at}, {@code at + 1}, {@code at + 2} of the row-major {@code x} ({@code stride} columns); the
   * sentences' average length is taken over all candidates' sentences.
   */
  static void fill(
      float[] x, int stride, int at, List<PassageTerms> candidates, Map<String, Double> weights) {
    long sentenceTokens = 0;
    int sentences = 0;
    for (PassageTerms pt : candidates) {
      for (List<String> s : pt.sentenceTokens()) {
        sentenceTokens += s.size();
        sentences++;
      }
    }
    double averageSentence = sentences == 0 ? 1 : (double) sentenceTokens / sentences;
    for (int i = 0; i < candidates.size(); i++) {
      PassageTerms pt = candidates.get(i);
      int o = i * stride + at;
      x[o] = windowDensity(weights, pt.tokens());
      x[o + 1] = tfCoverage(weights, pt.tf());
      float best = 0;
      for (List<String> s : pt.sentenceTokens()) {
        best = Math.max(best, sentenceBm25(weights, s, averageSentence));
      }
      x[o + 2] = best;
    }
  }
}
