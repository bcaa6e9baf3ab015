package dev.fathom.retrieval.rank;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pseudo-relevance feedback and neighbour agreement: signals that read the other top results, not
 * only the candidate. Both reuse what retrieval already fetched (the BM25 and dense lists and the
 * stored vectors), so no extra search runs.
 *
 * <ul>
 *   <li><b>RM3</b> (Lavrenko and Croft, "Relevance-Based Language Models", SIGIR 2001; RM3 as in
 *       Abdul-Jaleel et al., "UMass at TREC 2004"): the top {@value #FEEDBACK_DOCS} BM25 passages
 *       are assumed relevant; their terms, weighted by P(t|d)·score(d), form a relevance model
 *       whose top {@value #FEEDBACK_TERMS} terms are mixed with the question's (weight {@value
 *       #ORIGINAL_WEIGHT} each side, Anserini's defaults), and every candidate is scored by BM25
 *       for that weighted, expanded query. The classic gain on Cranfield, where the question's
 *       terms are few and the relevant abstracts use their neighbours' vocabulary.
 *   <li><b>Dense PRF</b> (Rocchio, 1971, for dense retrieval as in Li et al., "Pseudo Relevance
 *       Feedback with Deep Language Models and Dense Retrievers: Successes and Pitfalls", TOIS
 *       2023, their "Average" variant): the query vector averaged with the top {@value
 *       #DENSE_FEEDBACK} dense passages' vectors; a candidate's cosine to it.
 *   <li><b>Neighbour agreement</b> (the cluster hypothesis, van Rijsbergen 1979; score
 *       regularisation, Diaz, SIGIR 2005): the candidate's mean cosine to the other top {@value
 *       #NEIGHBOURS} hybrid candidates — relevant passages resemble each other more than they
 *       resemble the non-relevant ones.
 * </ul>
 */
final class FeedbackFeatures {

  static final int FEEDBACK_DOCS = 10;
  static final int FEEDBACK_TERMS = 10;
  static final double ORIGINAL_WEIGHT = 0.5;
  static final int DENSE_FEEDBACK = 3;
  static final int NEIGHBOURS = 10;

  private FeedbackFeatures() {}

  /**
   * RM3's expanded query: the question's terms (1/|Q| each) mixed with the top terms of the
   * feedback passages' relevance model, both sides summing to one.
   *
   * @param feedback the top BM25 passages' terms, best first
   * @param scores their BM25 scores (the document weights of the relevance model)
   */
  static Map<String, Double> rm3(
      Set<String> question, List<PassageTerms> feedback, float[] scores) {
    Map<String, Double> relevance = new HashMap<>();
    for (int j = 0; j < feedback.size(); j++) {
      PassageTerms d = feedback.get(j);
      if (d.length() == 0 || scores[j] <= 0) continue;
      for (Map.Entry<String, Integer> e : d.tf().entrySet()) {
        if (!hasLetter(e.getKey())) continue; // numbers and codes say little about the topic
        relevance.merge(e.getKey(), scores[j] * (double) e.getValue() / d.length(), Double::sum);
      }
    }
    List<Map.Entry<String, Double>> top = new ArrayList<>(relevance.entrySet());
    top.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    top = top.subList(0, Math.min(FEEDBACK_TERMS, top.size()));
    double mass = 0;
    for (var e : top) mass += e.getValue();
    Map<String, Double> out = new LinkedHashMap<>();
    for (String t : question) out.merge(t, ORIGINAL_WEIGHT / question.size(), Double::sum);
    if (mass > 0) {
      for (var e : top)
        out.merge(e.getKey(), (1 - ORIGINAL_WEIGHT) * e.getValue() / mass, Double::sum);
    }
    return out;
  }

  /**
   * BM25 of a passage for a weighted query: Σ weight(t)·idf(t)·tf·(k1 + 1)/(tf + k1·(1 − b + b·
   * dl/avgdl)), with the index's idf and the candidates' mean length as avgdl.
   */
  static double bm25(
      Map<String, Double> query, Map<String, Double> idf, PassageTerms p, double avgLength) {
    double norm =
        ProximityFeatures.K1
            * (1
                - ProximityFeatures.B
                + ProximityFeatures.B * p.length() / Math.max(1e-9, avgLength));
    double score = 0;
    for (Map.Entry<String, Double> e : query.entrySet()) {
      Integer tf = p.tf().get(e.getKey());
      if (tf == null) continue;
      score +=
          e.getValue()
              * idf.getOrDefault(e.getKey(), 0.0)
              * tf
              * (ProximityFeatures.K1 + 1)
              / (tf + norm);
    }
    return score;
  }

  /**
   * A candidate's cosine to the dense feedback vector r = q + Σ_j v_j (the query and the top
   * {@value #DENSE_FEEDBACK} dense passages; the mean up to scale), computed from dot products
   * alone: the query vector enters only as q·c (the candidate's dense score) and q·v_j (the top
   * passages' dense scores), so the ranker needs no query embedding.
   *
   * @param qc the candidate's cosine to the query (for a passage outside the dense list, the list's
   *     last score: an upper bound, as the {@code dense} feature uses)
   * @param top the top dense passages' vectors (null entries are skipped)
   * @param norm {@link #rocchioNorm}
   */
  static float rocchio(float[] candidate, float qc, List<float[]> top, double norm) {
    if (candidate == null || norm <= 0) return 0;
    double s = qc;
    for (float[] v : top) if (v != null) s += dot(candidate, v);
    return (float) (s / norm);
  }

  /** |q + Σ_j v_j| from the top passages' vectors and their cosines to the (unit) query. */
  static double rocchioNorm(List<float[]> top, float[] topScores) {
    double sq = 1;
    for (int j = 0; j < top.size(); j++) {
      if (top.get(j) == null) continue;
      sq += 2 * topScores[j];
      for (int k = 0; k < top.size(); k++) {
        if (top.get(k) != null) sq += dot(top.get(j), top.get(k));
      }
    }
    return Math.sqrt(Math.max(0, sq));
  }

  static float dot(float[] a, float[] b) {
    if (a == null || b == null || a.length != b.length) return 0;
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  /**
   * Each candidate's mean cosine to the first {@value #NEIGHBOURS} candidates other than itself
   * (unit vectors, so the dot product); 0 for a candidate without a vector.
   */
  static float[] neighbourAgreement(List<float[]> vectors) {
    int top = Math.min(NEIGHBOURS, vectors.size());
    float[] out = new float[vectors.size()];
    for (int i = 0; i < out.length; i++) {
      float[] v = vectors.get(i);
      if (v == null) continue;
      float sum = 0;
      int n = 0;
      for (int j = 0; j < top; j++) {
        if (j == i || vectors.get(j) == null) continue;
        sum += dot(v, vectors.get(j));
        n++;
      }
      out[i] = n == 0 ? 0 : sum / n;
    }
    return out;
  }

  private static boolean hasLetter(String term) {
    for (int i = 0; i < term.length(); i++) if (Character.isLetter(term.charAt(i))) return true;
    return false;
  }
}
