package dev.fathom.memory.session;

/**
 * How many tokens of history a session may put into retrieval and a prompt, and how they are shared
 * between the running summary and the recent turns kept verbatim.
 *
 * @param maxTokens the whole history's budget, in [32, 1,000,000]
 * @param summaryShare the fraction of {@code maxTokens} the running summary may take, in (0, 1)
 * @param lowWater when the history is over budget, older turns are folded until the verbatim turns
 *     take at most this fraction of their share, in (0, 1]; below 1 it leaves room for a few more
 *     turns before the next fold, so the summarizer (perhaps a language model) is not called on
 *     every turn
 */
public record MemoryBudget(int maxTokens, double summaryShare, double lowWater) {

  public MemoryBudget {
    if (maxTokens < 32 || maxTokens > 1_000_000) {
      throw new IllegalArgumentException("maxTokens must be in [32, 1000000], got " + maxTokens);
    }
    if (!(summaryShare > 0 && summaryShare < 1)) {
      throw new IllegalArgumentException("summaryShare must be in (0, 1), got " + summaryShare);
    }
    if (!(lowWater > 0 && lowWater <= 1)) {
      throw new IllegalArgumentException("lowWater must be in (0, 1], got " + lowWater);
    }
  }

  /** 1,024 tokens, a quarter for the summary, folding down to half of the verbatim share. */
  public static MemoryBudget defaults() {
    return new MemoryBudget(1024, 0.25, 0.5);
  }

  /** Most tokens the running summary may take. */
  public int summaryTokens() {
    return (int) Math.floor(maxTokens * summaryShare);
  }

  /** Most tokens the verbatim turns may take. */
  public int verbatimTokens() {
    return maxTokens - summaryTokens();
  }
}
