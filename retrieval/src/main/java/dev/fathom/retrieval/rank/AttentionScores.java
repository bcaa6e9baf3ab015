package dev.fathom.retrieval.rank;

import java.util.Objects;

/**
 * The attention one prefill paid to the passages: for every layer and head, the mean over the
 * question's tokens (rows) of the softmax weight on each passage token, from the pass with the real
 * question and from the pass with the content-free one. ICR's passage score (Chen et al.,
 * "Attention in Large Language Models Yields Efficient Zero-Shot Re-Rankers", ICLR 2025, §3) is
 * then
 *
 * <pre>
 *   s(t)  = Σ_{l∈L} Σ_h mean_{i∈query} a_{l,h}(i → t)        per passage token t
 *   c(t)  = s_q(t) − s_NA(t)                                  calibration (content-free "N/A")
 *   score(d) = Σ_{t∈d, c(t) > μ−2σ} c(t)                       μ, σ over all passage tokens
 * </pre>
 *
 * The subtraction removes what the question's content does not cause: the pull of early positions
 * (attention sinks), of recent ones, and of long passages. The μ−2σ cut drops the few tokens that
 * the N/A query attends to far more than the real one (ICR's outlier filter).
 *
 * @param query {@code [layer][head][token]} mass from the question, tokens of the passage region
 * @param contentFree the same from the content-free query, or null when not calibrated
 * @param starts start of each passage in the region (ascending)
 * @param ends end (exclusive) of each passage in the region
 */
public record AttentionScores(
    float[][][] query, float[][][] contentFree, int[] starts, int[] ends) {
  public AttentionScores {
    Objects.requireNonNull(query, "query");
    if (starts.length != ends.length) {
      throw new IllegalArgumentException(
          "one start and end per passage, got " + starts.length + " and " + ends.length);
    }
  }

  /** Selects which (layer, head) pairs a score sums over. */
  @FunctionalInterface
  public interface HeadFilter {
    boolean test(int layer, int head);

    HeadFilter ALL = (l, h) -> true;
  }

  public int layers() {
    return query.length;
  }

  public int heads() {
    return query[0].length;
  }

  public int passages() {
    return starts.length;
  }

  /** ICR's passage scores over the selected heads; uncalibrated when {@code calibrate} is false. */
  public double[] passageScores(HeadFilter heads, boolean calibrate) {
    if (calibrate && contentFree == null) {
      throw new IllegalStateException("no content-free pass was run; cannot calibrate");
    }
    int tokens = query[0][0].length;
    double[] c = new double[tokens];
    for (int l = 0; l < query.length; l++) {
      for (int h = 0; h < query[l].length; h++) {
        if (!heads.test(l, h)) continue;
        for (int t = 0; t < tokens; t++) {
          c[t] += query[l][h][t] - (calibrate ? contentFree[l][h][t] : 0);
        }
      }
    }
    double threshold = Double.NEGATIVE_INFINITY;
    if (calibrate) {
      double mean = 0;
      double sq = 0;
      int n = 0;
      for (int p = 0; p < starts.length; p++) {
        for (int t = starts[p]; t < ends[p]; t++, n++) {
          mean += c[t];
          sq += c[t] * c[t];
        }
      }
      mean = n == 0 ? 0 : mean / n;
      double std = n == 0 ? 0 : Math.sqrt(Math.max(0, sq / n - mean * mean));
      threshold = mean - 2 * std;
    }
    double[] out = new double[starts.length];
    for (int p = 0; p < starts.length; p++) {
      for (int t = starts[p]; t < ends[p]; t++) if (c[t] > threshold) out[p] += c[t];
    }
    return out;
  }
}
