package dev.fathom.drafters.engine;

/**
 * How to run a GGUF model in the JVM.
 *
 * @param threads compute threads for matrix products (1 .. 256)
 * @param contextLimit most positions per sequence; 0 means the model's context length capped at
 *     {@link #DEFAULT_CONTEXT_CAP} (the KV cache is allocated per position as it grows, but a
 *     128K-context model would otherwise invite unbounded memory use)
 * @param chatTemplate chat template name to force ({@code llama3}, {@code chatml}, {@code llama2},
 *     {@code mistral}), or null to detect it from the file
 */
public record EngineSettings(int threads, int contextLimit, String chatTemplate) {
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

  public static EngineSettings defaults() {
    return new EngineSettings(Runtime.getRuntime().availableProcessors(), 0, null);
  }

  public EngineSettings withThreads(int n) {
    return new EngineSettings(n, contextLimit, chatTemplate);
  }

  /** Positions to allow for a model trained on {@code modelContext}. */
  int positionsFor(int modelContext) {
    return contextLimit > 0
        ? Math.min(contextLimit, modelContext)
        : Math.min(modelContext, DEFAULT_CONTEXT_CAP);
  }
}
