package dev.fathom.retrieval.rank;

/**
 * Settings of the {@link ListwiseRanker}.
 *
 * @param window passages the model ranks in one prompt (RankGPT: 20)
 * @param step how far the window moves up after each prompt (RankGPT: 10); {@code step < window} so
 *     neighbouring windows overlap and a good passage can climb through them
 * @param passageWords words kept per passage (RankGPT: 300); fewer when the model's context is too
 *     small for a full window of them
 */
public record ListwiseSettings(int window, int step, int passageWords) {
  public ListwiseSettings {
    if (window < 2 || window > 100) {
      throw new IllegalArgumentException("window must be in [2, 100], got " + window);
    }
    if (step < 1 || step > window) {
      throw new IllegalArgumentException("step must be in [1, window=" + window + "], got " + step);
    }
    if (passageWords < 8 || passageWords > 2000) {
      throw new IllegalArgumentException("passageWords must be in [8, 2000], got " + passageWords);
    }
  }

  /** RankGPT's defaults: window 20, step 10, 300 words. */
  public static ListwiseSettings defaults() {
    return new ListwiseSettings(20, 10, 300);
  }
}
