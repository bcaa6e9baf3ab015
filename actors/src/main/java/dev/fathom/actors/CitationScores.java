package dev.fathom.actors;

import dev.fathom.answer.Citation;
import dev.fathom.answer.CitedScore;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the retrieval's scores back on an answer's citations. The compressor hands the answerer
 * sentences, not hits, so a citation names a source and a character range; the passage it quotes is
 * the retrieved passage of that source whose range contains it (the best one, should two overlap).
 */
final class CitationScores {
  private CitationScores() {}

  /**
   * Citation number → relevance and raw score of the retrieved passage it quotes; citations with no
   * such passage, or whose passage has no relevance in {@code relevance} (passage id → 0–1), are
   * left out.
   */
  static Map<Integer, CitedScore> of(
      List<Citation> citations, List<Hit> retrieved, Map<String, Double> relevance) {
    Map<Integer, CitedScore> out = new LinkedHashMap<>();
    if (relevance.isEmpty()) return out;
    for (Citation c : citations) {
      CitedScore best = null;
      for (Hit h : retrieved) {
        Passage p = h.passage();
        Double r = relevance.get(p.id());
        if (r == null || !quotes(c, p)) continue;
        if (best == null || r > best.relevance()) best = new CitedScore(r, h.score());
      }
      if (best != null) out.put(c.n(), best);
    }
    return out;
  }

  private static boolean quotes(Citation c, Passage p) {
    return c.source().equals(p.source()) && p.start() <= c.start() && c.end() <= p.end();
  }
}
