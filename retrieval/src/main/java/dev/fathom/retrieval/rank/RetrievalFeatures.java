package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first 19 of {@link FusionFeatures#ALL}, per candidate: what BM25 and the dense index said
 * (score, score over the best, reciprocal rank), where hybrid fusion put it, and lexical matches of
 * the question's analysed terms against the title, the text and its best sentence, plain and
 * idf-weighted, with the passage's length, its place in its document and the question's length.
 */
final class RetrievalFeatures {

  private RetrievalFeatures() {}

  /**
   * Writes columns 0…18 of every candidate's row of the row-major {@code x} ({@code f} columns).
   *
   * @param pts the candidates' analysed terms, in candidate order
   * @param terms the question's distinct analysed terms; {@code weights} their idf
   * @param questionBigrams the question's adjacent term pairs
   */
  static void fill(
      float[] x,
      int f,
      List<Hit> candidates,
      List<PassageTerms> pts,
      CandidateSignals signals,
      Set<String> terms,
      Map<String, Double> weights,
      Set<String> questionBigrams) {
    Map<String, CandidateSignals.Entry> bm25 = CandidateSignals.byId(signals.bm25());
    Map<String, CandidateSignals.Entry> dense = CandidateSignals.byId(signals.dense());
    float maxBm25 = signals.bm25().isEmpty() ? 0 : signals.bm25().getFirst().score();
    float maxDense = signals.dense().isEmpty() ? 0 : signals.dense().getFirst().score();
    // A passage the dense list did not return is at most as similar as its last entry.
    float minDense = signals.dense().isEmpty() ? 0 : signals.dense().getLast().score();
    float maxHybrid = 0;
    for (Hit h : candidates) maxHybrid = Math.max(maxHybrid, h.score());
    for (int i = 0; i < candidates.size(); i++) {
      Hit h = candidates.get(i);
      Passage p = h.passage();
      CandidateSignals.Entry b = bm25.get(p.id());
      CandidateSignals.Entry d = dense.get(p.id());
      int o = i * f;
      x[o] = b == null ? 0 : b.score();
      x[o + 1] = b == null || maxBm25 <= 0 ? 0 : b.score() / maxBm25;
      x[o + 2] = b == null ? 0 : 1f / b.rank();
      x[o + 3] = d == null ? minDense : d.score();
      x[o + 4] = (d == null ? minDense : d.score()) - maxDense;
      x[o + 5] = d == null ? 0 : 1f / d.rank();
      x[o + 6] = b != null && d != null ? 1 : 0;
      x[o + 7] = 1f / h.rank();
      x[o + 8] = maxHybrid <= 0 ? 0 : h.score() / maxHybrid;
      PassageTerms pt = pts.get(i);
      x[o + 9] = coverage(terms, pt.title());
      x[o + 10] = coverage(terms, pt.text());
      float best = 0;
      float bestIdf = 0;
      for (Set<String> sentence : pt.sentences()) {
        best = Math.max(best, coverage(terms, sentence));
        bestIdf = Math.max(bestIdf, coverage(weights, sentence));
      }
      x[o + 11] = best;
      x[o + 12] = (float) Math.log1p(pt.words());
      x[o + 13] = (float) Math.log1p(p.start());
      x[o + 14] = terms.size();
      x[o + 15] = coverage(weights, pt.text());
      x[o + 16] = coverage(weights, pt.title());
      x[o + 17] = bestIdf;
      x[o + 18] = coverage(questionBigrams, pt.bigrams());
    }
  }

  /** The idf-weighted share of the question's terms in {@code text}; 0 without any weight. */
  static float coverage(Map<String, Double> idf, Set<String> text) {
    double all = 0;
    double hit = 0;
    for (Map.Entry<String, Double> e : idf.entrySet()) {
      all += e.getValue();
      if (text.contains(e.getKey())) hit += e.getValue();
    }
    return all <= 0 ? 0 : (float) (hit / all);
  }

  /** Fraction of the question's terms that occur in {@code text}; 0 for a question without any. */
  static float coverage(Set<String> question, Set<String> text) {
    if (question.isEmpty()) return 0;
    int hit = 0;
    for (String t : question) if (text.contains(t)) hit++;
    return (float) hit / question.size();
  }
}
