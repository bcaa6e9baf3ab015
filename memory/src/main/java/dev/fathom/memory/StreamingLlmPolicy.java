package dev.fathom.memory;

/**
 * StreamingLLM eviction (Xiao et al. 2023, "Efficient Streaming Language Models with Attention
 * Sinks", §3.2): keep the first {@code sinks} positions — the "attention sinks" that soak up the
 * attention mass softmax must put somewhere — and the most recent ones, evict the middle. The paper
 * keeps 4 sinks; the window is whatever the budget leaves.
 *
 * @param sinks leading positions always kept (≥ 0)
 */
public record StreamingLlmPolicy(int sinks) implements KvEvictionPolicy {
  public StreamingLlmPolicy {
    if (sinks < 0) {
      throw new IllegalArgumentException("sinks must be ≥ 0, got " + sinks);
    }
  }

  @Override
  public int[] keep(int length, int budget, double[] attention) {
    return keep(length, budget);
  }

  @Override
  public boolean needsAttention() {
    return false;
  }

  @Override
  public int minBudget() {
    return sinks + 1;
  }

  @Override
  public String name() {
    return "streaming-llm";
  }

  /** The positions of a {@code length}-position cache to keep within {@code budget}, ascending. */
  public int[] keep(int length, int budget) {
    if (budget <= sinks || budget < 1) {
      throw new IllegalArgumentException(
          "a budget of " + budget + " positions must exceed the " + sinks + " sinks");
    }
    if (length <= budget) {
      int[] all = new int[length];
      for (int i = 0; i < length; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] keep = new int[budget];
    for (int i = 0; i < sinks; i++) {
      keep[i] = i;
    }
    int window = budget - sinks;
    for (int i = 0; i < window; i++) {
      keep[sinks + i] = length - window + i;
    }
    return keep;
  }
}
