package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.MetricSummary;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Scores a ranker on a BEIR dataset ({@code fathom eval retrieval --rerank R}): hybrid retrieval's
 * top {@code depth} candidates, reranked, through the same metrics as {@link RetrievalEvaluation}
 * (so the reranked row sits under the bm25/dense/hybrid rows), with the hybrid order of the same
 * questions alongside and the ranker's latency per question.
 */
public final class RerankEvaluation {

  /**
   * @param ranker the ranker's id ({@code fusion}…), the key of its row / JSON object
   * @param questions questions evaluated
   * @param hybrid metric → mean of the hybrid order on these questions
   * @param reranked metric → mean after reranking
   * @param p50Millis median ranker time per question
   * @param p95Millis 95th percentile ranker time per question
   */
  public record Result(
      String ranker,
      int questions,
      Map<String, Double> hybrid,
      Map<String, Double> reranked,
      double p50Millis,
      double p95Millis) {}

  private RerankEvaluation() {}

  /** All questions of the dataset. */
  public static Result run(PreparedDataset data, Ranker ranker, IntConsumer progress) {
    return run(data, ranker, q -> true, progress);
  }

  /**
   * The questions that pass {@code which} (e.g. {@code q -> DevSplit.heldOut(q.id())}).
   *
   * @throws IllegalArgumentException when no question passes
   */
  public static Result run(
      PreparedDataset data,
      Ranker ranker,
      Predicate<BeirDataset.Query> which,
      IntConsumer progress) {
    MetricSummary before = MetricSummary.of(RetrievalEvaluation.METRICS);
    MetricSummary after = MetricSummary.of(RetrievalEvaluation.METRICS);
    List<BeirDataset.Query> qs = data.dataset().queries().stream().filter(which).toList();
    if (qs.isEmpty()) throw new IllegalArgumentException("no questions selected to evaluate");
    long[] nanos = new long[qs.size()];
    for (int i = 0; i < qs.size(); i++) {
      BeirDataset.Query q = qs.get(i);
      Map<String, Integer> qrels = data.dataset().qrels(q.id());
      List<Hit> hits = data.candidates(q);
      long t0 = System.nanoTime();
      // As in the question path: a fusion ranker over data.recentSignals() takes the retriever's
      // lists; one without them searches again (and its time shows it).
      List<Hit> reranked = ranker.rank(q.text(), hits).hits();
      nanos[i] = System.nanoTime() - t0;
      before.add(sources(hits), qrels);
      after.add(sources(reranked), qrels);
      progress.accept(i + 1);
    }
    Arrays.sort(nanos);
    return new Result(
        ranker.kind().id(),
        qs.size(),
        new LinkedHashMap<>(before.means()),
        new LinkedHashMap<>(after.means()),
        nanos[nanos.length / 2] / 1e6,
        nanos[Math.min(nanos.length - 1, (int) Math.ceil(nanos.length * 0.95) - 1)] / 1e6);
  }

  private static List<String> sources(List<Hit> hits) {
    return hits.stream().map(h -> h.passage().source()).toList();
  }
}
