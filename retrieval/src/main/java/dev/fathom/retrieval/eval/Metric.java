package dev.fathom.retrieval.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A named metric with a cut-off, such as {@code ndcg@10}, parsed from its name.
 *
 * @param kind which metric
 * @param k the cut-off, &ge; 1
 */
public record Metric(Kind kind, int k) {

  /** The metrics {@link RankingMetrics} computes. */
  public enum Kind {
    NDCG,
    MRR,
    RECALL
  }

  public Metric {
    Objects.requireNonNull(kind, "kind");
    if (k < 1) {
      throw new IllegalArgumentException("cut-off k must be >= 1, got " + k);
    }
  }

  /**
   * Parses {@code name@k}, name one of {@code ndcg}, {@code mrr}, {@code recall} (any case).
   *
   * @throws IllegalArgumentException when the text is not {@code name@k} with an integer k &ge; 1
   * @throws UnsupportedOperationException when the name is not a supported metric
   */
  public static Metric parse(String text) {
    Objects.requireNonNull(text, "metric name");
    int at = text.indexOf('@');
    if (at <= 0 || at == text.length() - 1) {
      throw new IllegalArgumentException(
          "metric must be written name@k, e.g. ndcg@10, got '" + text + "'");
    }
    String name = text.substring(0, at).strip().toLowerCase(Locale.ROOT);
    int k;
    try {
      k = Integer.parseInt(text.substring(at + 1).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cut-off of metric '" + text + "' must be an integer", e);
    }
    Kind kind =
        switch (name) {
          case "ndcg" -> Kind.NDCG;
          case "mrr" -> Kind.MRR;
          case "recall" -> Kind.RECALL;
          default ->
              throw new UnsupportedOperationException(
                  "unsupported metric '"
                      + name
                      + "' in '"
                      + text
                      + "'; supported: ndcg, mrr, recall");
        };
    return new Metric(kind, k);
  }

  /** This metric for one query. */
  public double score(List<String> ranked, Map<String, Integer> qrels) {
    return switch (kind) {
      case NDCG -> RankingMetrics.ndcg(ranked, qrels, k);
      case MRR -> RankingMetrics.mrr(ranked, qrels, k);
      case RECALL -> RankingMetrics.recall(ranked, qrels, k);
    };
  }

  /** The canonical name, {@code kind@k} in lower case. */
  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + "@" + k;
  }
}
