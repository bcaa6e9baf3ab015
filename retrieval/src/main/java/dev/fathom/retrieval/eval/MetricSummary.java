package dev.fathom.retrieval.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Accumulates per-query metric values and reports their means over queries (macro average, as
 * trec_eval's and BEIR's summaries are). Not thread-safe: one evaluation loop feeds it.
 */
public final class MetricSummary {

  private final List<String> names;
  private final List<Metric> metrics;
  private final double[] sums;
  private int queries;

  private MetricSummary(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("at least one metric name is needed, e.g. ndcg@10");
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("metric names must be distinct, got " + names);
    }
    this.names = List.copyOf(names);
    this.metrics = this.names.stream().map(Metric::parse).toList();
    this.sums = new double[metrics.size()];
  }

  /** A summary over metrics named like {@code ndcg@10}, {@code mrr@10}, {@code recall@100}. */
  public static MetricSummary of(List<String> names) {
    return new MetricSummary(Objects.requireNonNull(names, "names"));
  }

  /** As {@link #of(List)}. */
  public static MetricSummary of(String... names) {
    return of(List.of(names));
  }

  /**
   * Scores one query and adds it to the means.
   *
   * @return this query's values, keyed by metric name in the requested order
   */
  public LinkedHashMap<String, Double> add(List<String> ranked, Map<String, Integer> qrels) {
    LinkedHashMap<String, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < metrics.size(); i++) {
      double value = metrics.get(i).score(ranked, qrels);
      sums[i] += value;
      values.put(names.get(i), value);
    }
    queries++;
    return values;
  }

  /** How many queries have been added. */
  public int queries() {
    return queries;
  }

  /**
   * The mean of each metric over the queries added, keyed by metric name in the requested order.
   *
   * @throws IllegalStateException when no query has been added, since a mean of nothing is not 0
   */
  public LinkedHashMap<String, Double> means() {
    if (queries == 0) {
      throw new IllegalStateException("no queries added; nothing to average over " + names);
    }
    LinkedHashMap<String, Double> means = new LinkedHashMap<>();
    for (int i = 0; i < metrics.size(); i++) {
      means.put(names.get(i), sums[i] / queries);
    }
    return means;
  }
}
