package dev.fathom.memory;

/**
 * Which positions of a full KV cache to keep within a budget. Each policy is one paper's rule;
 * positions are renumbered after eviction (see {@link RopeShift}).
 */
public sealed interface KvEvictionPolicy permits StreamingLlmPolicy, H2oPolicy {
  /**
   * The positions of a {@code length}-position cache to keep, strictly ascending, at most {@code
   * budget} of them.
   *
   * @param attention attention each position has received so far (summed over layers, heads and
   *     queries), indexed by cache position; only read by policies that {@link #needsAttention}
   */
  int[] keep(int length, int budget, double[] attention);

  /** Whether {@link #keep} reads the accumulated attention (the engine then records it). */
  boolean needsAttention();

  /** The smallest budget the policy can work with. */
  int minBudget();

  /** Short name for reports: {@code streaming-llm}, {@code h2o}. */
  String name();

  /** Parses {@code streaming-llm} or {@code h2o} (case-insensitive) with {@code sinks} sinks. */
  static KvEvictionPolicy parse(String name, int sinks) {
    return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "streaming-llm", "streamingllm" -> new StreamingLlmPolicy(sinks);
      case "h2o" -> new H2oPolicy(0.5);
      default ->
          throw new IllegalArgumentException(
              "unknown KV eviction policy '" + name + "': use streaming-llm or h2o");
    };
  }
}
