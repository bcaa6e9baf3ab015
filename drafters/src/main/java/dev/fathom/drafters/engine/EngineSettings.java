package dev.fathom.drafters.engine;

import dev.fathom.memory.KvEvictionSettings;

/**
 * How to run a GGUF model in the JVM.
 *
 * @param threads compute threads for matrix products (1 .. 256)
 * @param contextLimit most positions per sequence; 0 means the model's context length capped at
 *     {@link #DEFAULT_CONTEXT_CAP} (the KV cache is allocated per position as it grows, but a
 *     128K-context model would otherwise invite unbounded memory use)
 * @param chatTemplate chat template name to force ({@code llama3}, {@code chatml}, {@code llama2},
 *     {@code mistral}), or null to detect it from the file
 * @param kvEviction this model's KV eviction policy and budget for requests longer than the budget
 *     (docs/memory.md), or null for the system properties' choice (default: none)
 */
public record EngineSettings(
    int threads, int contextLimit, String chatTemplate, KvEvictionSettings kvEviction) {
  public static final int DEFAULT_CONTEXT_CAP = 8192;

  public EngineSettings {
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("threads must be 1..256, got " + threads);
    }
    if (contextLimit < 0) {
      throw new IllegalArgumentException(
          "contextLimit must be ≥ 0 (0 = the model's own, capped), got " + contextLimit);
    }
  }

  public EngineSettings(int threads, int contextLimit, String chatTemplate) {
    this(threads, contextLimit, chatTemplate, null);
  }

  public static EngineSettings defaults() {
    return new EngineSettings(Runtime.getRuntime().availableProcessors(), 0, null);
  }

  public EngineSettings withThreads(int n) {
    return new EngineSettings(n, contextLimit, chatTemplate, kvEviction);
  }

  /** The same settings with this model's KV eviction ({@code null}: the system properties'). */
  public EngineSettings withKvEviction(KvEvictionSettings eviction) {
    return new EngineSettings(threads, contextLimit, chatTemplate, eviction);
  }

  /** Positions to allow for a model trained on {@code modelContext}. */
  int positionsFor(int modelContext) {
    return contextLimit > 0
        ? Math.min(contextLimit, modelContext)
        : Math.min(modelContext, DEFAULT_CONTEXT_CAP);
  }
}
