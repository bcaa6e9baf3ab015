package dev.fathom.retrieval.eval;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-query ranking metrics, computed as trec_eval (and BEIR, through pytrec_eval) compute them.
 *
 * <p>A document is relevant when its grade is &gt; 0 (trec_eval's default {@code relevance_level}
 * of 1 on integer grades); unjudged documents count as grade 0. The ranking is taken as given, in
 * list order: trec_eval would re-sort by score, but callers here already hold the ranked list.
 * Duplicate ids count once, at their first position, and later entries move up: a pytrec_eval run
 * is a map from doc id to score, so a document can only occupy one rank.
 */
public final class RankingMetrics {

  private RankingMetrics() {}

  /**
   * nDCG@k with linear gain, as trec_eval's {@code ndcg_cut.k} (Järvelin and Kekäläinen, "Cumulated
   * gain-based evaluation of IR techniques", TOIS 2002, with the log2(rank + 1) discount of Burges
   * et al., ICML 2005): {@code DCG@k = sum_{r=1..k} grade(d_r) / log2(r + 1)}, divided by the DCG@k
   * of the ideal ranking of all judged grades &gt; 0 sorted descending. Note the gain is the grade
   * itself, not {@code 2^grade - 1}.
   *
   * @return a value in [0, 1]; 0 when the query has no relevant document
   */
  public static double ndcg(List<String> ranked, Map<String, Integer> qrels, int k) {
    List<String> top = topK(ranked, qrels, k);
    double dcg = 0;
    for (int i = 0; i < top.size(); i++) {
      int grade = qrels.getOrDefault(top.get(i), 0);
      if (grade > 0) {
        dcg += grade / log2(i + 2);
      }
    }
    int[] ideal =
        qrels.values().stream().mapToInt(Integer::intValue).filter(g -> g > 0).sorted().toArray();
    double idcg = 0;
    // ideal is ascending; walk it from the end so rank 1 gets the highest grade.
    for (int r = 1; r <= Math.min(k, ideal.length); r++) {
      idcg += ideal[ideal.length - r] / log2(r + 1);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  /**
   * Reciprocal rank cut at k, as BEIR's {@code mrr@k}: 1 / rank of the first relevant document in
   * the top k, else 0.
   */
  public static double mrr(List<String> ranked, Map<String, Integer> qrels, int k) {
    List<String> top = topK(ranked, qrels, k);
    for (int i = 0; i < top.size(); i++) {
      if (qrels.getOrDefault(top.get(i), 0) > 0) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  /**
   * Recall@k, as trec_eval's {@code recall.k}: relevant documents in the top k over all relevant
   * documents judged for the query; 0 when there are none.
   */
  public static double recall(List<String> ranked, Map<String, Integer> qrels, int k) {
    List<String> top = topK(ranked, qrels, k);
    long relevant = qrels.values().stream().filter(g -> g > 0).count();
    if (relevant == 0) {
      return 0;
    }
    long found = top.stream().filter(id -> qrels.getOrDefault(id, 0) > 0).count();
    return (double) found / relevant;
  }

  /** The first k distinct ids of the ranking, after checking the arguments. */
  private static List<String> topK(List<String> ranked, Map<String, Integer> qrels, int k) {
    Objects.requireNonNull(ranked, "ranked");
    Objects.requireNonNull(qrels, "qrels");
    if (k < 1) {
      throw new IllegalArgumentException("cut-off k must be >= 1, got " + k);
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (String id : ranked) {
      if (distinct.size() == k) {
        break;
      }
      distinct.add(Objects.requireNonNull(id, "ranked doc id"));
    }
    return List.copyOf(distinct);
  }

  private static double log2(int x) {
    return Math.log(x) / Math.log(2);
  }
}
