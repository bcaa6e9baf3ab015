package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A ranker's answer: the candidates in their new order, and why.
 *
 * @param ranked the reordered candidates, best first
 * @param explanation one line on what the ranker did (repairs, fallbacks, model used)
 */
public record Ranking(List<RankedHit> ranked, String explanation) {
  public Ranking {
    ranked = List.copyOf(Objects.requireNonNull(ranked, "ranked"));
    Objects.requireNonNull(explanation, "explanation");
    Set<String> seen = new HashSet<>();
    for (RankedHit r : ranked) {
      if (!seen.add(r.hit().passage().id())) {
        throw new IllegalArgumentException(
            "a ranking holds each passage once, got " + r.hit().passage().id() + " twice");
      }
    }
  }

  /**
   * The reordered candidates as hits: rank renumbered from 1, score the ranker's score. This is
   * what the later stages (compression, the answer) consume.
   */
  public List<Hit> hits() {
    List<Hit> out = new ArrayList<>(ranked.size());
    for (int i = 0; i < ranked.size(); i++) {
      out.add(new Hit(ranked.get(i).hit().passage(), (float) ranked.get(i).score(), i + 1));
    }
    return out;
  }

  /** The retrieval order unchanged (the {@code none} ranker, and every fallback). */
  public static Ranking retrievalOrder(List<Hit> candidates, String explanation) {
    List<RankedHit> out = new ArrayList<>(candidates.size());
    for (Hit h : candidates) out.add(new RankedHit(h, h.score(), "retrieval rank " + h.rank()));
    return new Ranking(out, explanation);
  }

  /**
   * Candidates reordered by {@code scores} (higher first; ties keep retrieval order).
   *
   * @param notes per-candidate explanation, same order as {@code candidates}
   */
  public static Ranking byScore(
      List<Hit> candidates, double[] scores, List<String> notes, String explanation) {
    if (scores.length != candidates.size() || notes.size() != candidates.size()) {
      throw new IllegalArgumentException(
          "one score and note per candidate: "
              + candidates.size()
              + " candidates, "
              + scores.length
              + " scores, "
              + notes.size()
              + " notes");
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) order.add(i);
    order.sort((a, b) -> Double.compare(scores[b], scores[a]));
    List<RankedHit> out = new ArrayList<>(order.size());
    for (int i : order) out.add(new RankedHit(candidates.get(i), scores[i], notes.get(i)));
    return new Ranking(out, explanation);
  }

  static void requireQuestion(String question) {
    if (question == null || question.isBlank()) {
      throw new IllegalArgumentException("the question to rank for is empty");
    }
  }
}
