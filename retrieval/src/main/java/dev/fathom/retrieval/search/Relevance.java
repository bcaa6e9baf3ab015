package dev.fathom.retrieval.search;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A 0–1 relevance for people, beside the raw score of each mode (which is kept for scripts):
 *
 * <ul>
 *   <li>hybrid: the fused RRF score over the best one possible, first in both lists ({@code Σ w_i /
 *       (k + 1)}); 1.0 means both BM25 and the embedding model ranked the passage first;
 *   <li>dense: the cosine similarity of query and passage, negative values as 0 (Lucene scores a
 *       dot product of unit vectors as {@code (1 + cos) / 2});
 *   <li>bm25: the score over the best hit's score; BM25 has no absolute scale, so this says how
 *       close a passage comes to the best match of this query, not how good that match is.
 * </ul>
 */
public final class Relevance {
  private Relevance() {}

  /** Passage id → relevance of each hit, in the hits' order. */
  public static Map<String, Double> of(
      List<Hit> hits, SearchMode mode, HybridRetriever.Settings settings) {
    Map<String, Double> out = new LinkedHashMap<>();
    double top = hits.isEmpty() ? 0 : hits.getFirst().score();
    double maxFused = (settings.bm25Weight() + settings.denseWeight()) / (settings.rrfK() + 1);
    for (Hit h : hits) {
      double r =
          switch (mode) {
            case HYBRID -> h.score() / maxFused;
            case DENSE -> 2.0 * h.score() - 1.0;
            case BM25 -> top <= 0 ? 0 : h.score() / top;
          };
      out.put(h.passage().id(), Math.round(Math.max(0, Math.min(1, r)) * 1000) / 1000.0);
    }
    return out;
  }
}
