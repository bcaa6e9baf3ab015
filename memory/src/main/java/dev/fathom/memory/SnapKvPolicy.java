package dev.fathom.memory;

import java.util.Arrays;

/**
 * SnapKV (Li et al. 2024, "SnapKV: LLM Knows What You are Looking for Before Generation", §4;
 * FasterDecoding/SnapKV {@code snapkv_utils.py}): the last {@code window} queries — the observation
 * window — vote for the older positions with the attention they give them, the votes are
 * average-pooled over {@code kernel} neighbours (so a selected token keeps its context), and each
 * head keeps its own top {@code budget − window} older positions plus the whole window. The
 * reference code's defaults: window 32, kernel 5, average pooling with zero padding.
 *
 * <p>The selection is <em>per head</em>: {@link #keep} gets the votes of one key/value head and the
 * cache compacts each (layer, key/value head) to its own list of positions ({@code
 * KvCache.compactHeads}), every list of the same length. With grouped-query attention the votes of
 * the query heads sharing a key/value head are summed, since that head can keep only one set.
 *
 * @param window queries in the observation window (≥ 1)
 * @param kernel width of the average pooling (odd, ≥ 1; 1 = none)
 */
public record SnapKvPolicy(int window, int kernel) implements KvEvictionPolicy {
  /** The reference implementation's observation window. */
  public static final int DEFAULT_WINDOW = 32;

  /** The reference implementation's pooling kernel. */
  public static final int DEFAULT_KERNEL = 5;

  public SnapKvPolicy {
    if (window < 1) {
      throw new IllegalArgumentException("window must be ≥ 1, got " + window);
    }
    if (kernel < 1 || kernel % 2 == 0) {
      throw new IllegalArgumentException("kernel must be odd and ≥ 1, got " + kernel);
    }
  }

  /**
   * The positions one head keeps: the top {@code budget − window} older positions by pooled votes
   * (ties go to the earlier position) and the last {@code window} positions, ascending.
   *
   * @param attention the observation window's votes for each cache position of this head
   */
  @Override
  public int[] keep(int length, int budget, double[] attention) {
    if (budget < minBudget()) {
      throw new IllegalArgumentException(
          "a budget of " + budget + " positions must exceed the window of " + window);
    }
    if (length <= budget) {
      int[] all = new int[length];
      Arrays.setAll(all, i -> i);
      return all;
    }
    int older = length - window;
    double[] pooled = pool(attention, older);
    Integer[] order = new Integer[older];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(pooled[b], pooled[a]));
    int selected = budget - window;
    int[] keep = new int[budget];
    for (int i = 0; i < selected; i++) {
      keep[i] = order[i];
    }
    Arrays.sort(keep, 0, selected);
    for (int i = 0; i < window; i++) {
      keep[selected + i] = older + i;
    }
    return keep;
  }

  /**
   * Average pooling of {@code votes[0 .. n)}, stride 1, zero padding counted (PyTorch's default).
   */
  double[] pool(double[] votes, int n) {
    int r = kernel / 2;
    double[] out = new double[n];
    double sum = 0;
    for (int j = 0; j < Math.min(r, n); j++) {
      sum += votes[j];
    }
    for (int i = 0; i < n; i++) {
      if (i + r < n) {
        sum += votes[i + r];
      }
      if (i - r - 1 >= 0) {
        sum -= votes[i - r - 1];
      }
      out[i] = sum / kernel;
    }
    return out;
  }

  @Override
  public boolean needsAttention() {
    return true;
  }

  @Override
  public boolean perHead() {
    return true;
  }

  @Override
  public int minBudget() {
    return window + 1;
  }

  @Override
  public String name() {
    return "snapkv";
  }
}
