package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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

  /**
   * Writes rm3, rm3_rr, rocchio and rocchio_gap into columns {@code at}…{@code at + 3} of the
   * row-major {@code x} ({@code stride} columns), and neighbour_cos and same_source into {@code
   * neighboursAt} and the next ({@code -1}: skipped).
   *
   * @param pts the candidates' terms, in candidate order
   * @param terms the question's analysed terms; {@code weights} their idf
   * @param termsOf a passage's terms (the caller's cache), for the feedback passages
   */
  static void fill(
      float[] x,
      int stride,
      int at,
      int neighboursAt,
      List<Hit> candidates,
      List<PassageTerms> pts,
      CandidateSignals signals,
      Set<String> terms,
      Map<String, Double> weights,
      FusionFeatures.Lookups lookups,
      Function<Passage, PassageTerms> termsOf) {
    int f = stride;
    int n = candidates.size();
    // RM3 over the top BM25 passages, scoring every candidate with the expanded query.
    int fb = Math.min(FEEDBACK_DOCS, signals.bm25().size());
    List<PassageTerms> feedback = new ArrayList<>(fb);
    float[] fbScores = new float[fb];
    for (int j = 0; j < fb; j++) {
      feedback.add(termsOf.apply(signals.bm25().get(j).passage()));
      fbScores[j] = signals.bm25().get(j).score();
    }
    Map<String, Double> expanded = rm3(terms, feedback, fbScores);
    Set<String> missing = new HashSet<>(expanded.keySet());
    missing.removeAll(weights.keySet());
    Map<String, Double> idf = new HashMap<>(weights);
    if (!missing.isEmpty()) idf.putAll(lookups.idf().apply(missing));
    double avgLength = 0;
    for (PassageTerms pt : pts) avgLength += pt.length();
    avgLength /= Math.max(1, n);
    double[] rm3 = new double[n];
    double maxRm3 = 0;
    for (int i = 0; i < n; i++) {
      rm3[i] = bm25(expanded, idf, pts.get(i), avgLength);
      maxRm3 = Math.max(maxRm3, rm3[i]);
    }
    int[] rank = ranks(rm3);
    // Vectors: the candidates' and the top dense passages', one read of the index.
    List<String> ids = new ArrayList<>(n + DENSE_FEEDBACK);
    for (Hit h : candidates) ids.add(h.passage().id());
    for (int j = 0; j < Math.min(DENSE_FEEDBACK, signals.dense().size()); j++) {
      ids.add(signals.dense().get(j).passage().id());
    }
    Map<String, float[]> vectors = lookups.vectors().apply(ids);
    int k = Math.min(DENSE_FEEDBACK, signals.dense().size());
    List<float[]> top = new ArrayList<>(k);
    float[] topScores = new float[k];
    for (int j = 0; j < k; j++) {
      top.add(vectors.get(signals.dense().get(j).passage().id()));
      topScores[j] = signals.dense().get(j).score();
    }
    double norm = rocchioNorm(top, topScores);
    Map<String, CandidateSignals.Entry> dense = CandidateSignals.byId(signals.dense());
    float minDense = signals.dense().isEmpty() ? 0 : signals.dense().getLast().score();
    List<float[]> candidateVectors = new ArrayList<>(n);
    float[] rocchio = new float[n];
    float maxRocchio = 0;
    for (int i = 0; i < n; i++) {
      Passage p = candidates.get(i).passage();
      float[] v = vectors.get(p.id());
      candidateVectors.add(v);
      CandidateSignals.Entry d = dense.get(p.id());
      rocchio[i] = rocchio(v, d == null ? minDense : d.score(), top, norm);
      maxRocchio = i == 0 ? rocchio[i] : Math.max(maxRocchio, rocchio[i]);
    }
    float[] agreement = neighboursAt < 0 ? null : neighbourAgreement(candidateVectors);
    Map<String, Integer> perSource = new HashMap<>();
    for (Hit h : candidates) perSource.merge(h.passage().source(), 1, Integer::sum);
    for (int i = 0; i < n; i++) {
      int o = i * f + at;
      x[o] = maxRm3 <= 0 ? 0 : (float) (rm3[i] / maxRm3);
      x[o + 1] = 1f / rank[i];
      x[o + 2] = rocchio[i];
      x[o + 3] = rocchio[i] - maxRocchio;
      if (agreement == null) continue;
      x[i * f + neighboursAt] = agreement[i];
      x[i * f + neighboursAt + 1] = perSource.get(candidates.get(i).passage().source()) - 1;
    }
  }

  private static boolean hasLetter(String term) {
    for (int i = 0; i < term.length(); i++) if (Character.isLetter(term.charAt(i))) return true;
    return false;
  }

  /** 1-based ranks by descending score (ties: the earlier candidate first). */
  static int[] ranks(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    int[] rank = new int[scores.length];
    for (int r = 0; r < order.length; r++) rank[order[r]] = r + 1;
    return rank;
  }
}
