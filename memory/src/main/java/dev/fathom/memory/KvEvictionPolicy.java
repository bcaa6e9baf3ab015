package dev.fathom.memory;

/**
 * Which positions of a full KV cache to keep within a budget. Each policy is one paper's rule;
 * positions are renumbered after eviction (see {@link RopeShift}).
 */
public sealed interface KvEvictionPolicy
    permits StreamingLlmPolicy, H2oPolicy, SnapKvPolicy, PassagePolicy {
  /**
   * The positions of a {@code length}-position cache to keep, strictly ascending, at most {@code
   * budget} of them.
   *
   * @param attention attention each position has received so far (summed over layers, heads and
   *     queries), indexed by cache position; only read by policies that {@link #needsAttention}
   */
  int[] keep(int length, int budget, double[] attention);

  /**
   * Like {@link #keep(int, int, double[])}, knowing which token of the text each cache position
   * holds ({@code origin}; earlier evictions renumber the cache): for policies over spans of the
   * text.
   */
  default int[] keep(int length, int budget, double[] attention, int[] origin) {
    return keep(length, budget, attention);
  }

  /**
   * Whether each (layer, key/value head) selects its own positions: {@link #keep} is then called
   * once per head with that head's scores, and every head keeps the same number of positions.
   */
  default boolean perHead() {
    return false;
  }

  /** Whether {@link #keep} reads the accumulated attention (the engine then records it). */
  boolean needsAttention();

  /** The smallest budget the policy can work with. */
  int minBudget();

  /**
   * Short name for reports: {@code streaming-llm}, {@code h2o}, {@code snapkv}, {@code passage}.
   */
  String name();

  /**
   * Parses {@code streaming-llm}, {@code h2o}, {@code snapkv} or {@code passage} (case-insensitive)
   * with {@code sinks} sinks; SnapKV takes the reference window and kernel, the passage policy no
   * blocks (a request gives its own, {@link PassagePolicy#withBlocks}).
   */
  static KvEvictionPolicy parse(String name, int sinks) {
    return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "streaming-llm", "streamingllm" -> new StreamingLlmPolicy(sinks);
      case "h2o" -> new H2oPolicy(0.5);
      case "snapkv" -> new SnapKvPolicy(SnapKvPolicy.DEFAULT_WINDOW, SnapKvPolicy.DEFAULT_KERNEL);
      case "passage" -> new PassagePolicy(sinks, 0.25, java.util.List.of());
      default ->
          throw new IllegalArgumentException(
              "unknown KV eviction policy '"
                  + name
                  + "': use streaming-llm, h2o, snapkv or passage");
    };
  }
}
