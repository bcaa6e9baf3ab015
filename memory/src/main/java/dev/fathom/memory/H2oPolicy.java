package dev.fathom.memory;

import java.util.Arrays;

/**
 * H2O, the heavy-hitter oracle (Zhang et al. 2023, "H2O: Heavy-Hitter Oracle for Efficient
 * Generative Inference of Large Language Models", §3–4): a few tokens receive most of the attention
 * throughout generation; keep those with the largest accumulated attention plus a recent window,
 * evict the rest. The paper splits the budget evenly between heavy hitters and recent tokens
 * ({@code recentFraction} 0.5) and keeps the scores per head; here one score per position, summed
 * over every layer and head, because the cache evicts whole positions.
 *
 * @param recentFraction share of the budget for the most recent positions (0..1)
 */
public record H2oPolicy(double recentFraction) implements KvEvictionPolicy {
  public H2oPolicy {
    if (!(recentFraction >= 0 && recentFraction <= 1)) {
      throw new IllegalArgumentException("recentFraction must be in 0..1, got " + recentFraction);
    }
  }

  @Override
  public int[] keep(int length, int budget, double[] attention) {
    if (budget < minBudget()) {
      throw new IllegalArgumentException("a budget of " + budget + " positions is below 2");
    }
    if (length <= budget) {
      int[] all = new int[length];
      Arrays.setAll(all, i -> i);
      return all;
    }
    int recent = (int) Math.round(budget * recentFraction);
    int heavy = budget - recent;
    int older = length - recent;
    // The `heavy` older positions with the most attention; ties go to the earlier position.
    Integer[] order = new Integer[older];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(attention[b], attention[a]));
    int[] keep = new int[budget];
    for (int i = 0; i < heavy; i++) {
      keep[i] = order[i];
    }
    Arrays.sort(keep, 0, heavy);
    for (int i = 0; i < recent; i++) {
      keep[heavy + i] = older + i;
    }
    return keep;
  }

  @Override
  public boolean needsAttention() {
    return true;
  }

  @Override
  public int minBudget() {
    return 2;
  }

  @Override
  public String name() {
    return "h2o";
  }
}
