package dev.fathom.drafters.lm;

/**
 * The result of one generation.
 *
 * @param text generated text, without the prompt and without a matched stop string
 * @param promptTokens tokens of the prompt as the model saw it (empty when the server does not say)
 * @param tokens generated token ids (empty when the server does not say)
 * @param stopReason why generation ended
 * @param promptTokenCount number of prompt tokens
 * @param prefillNanos time to process the prompt
 * @param decodeNanos time spent generating after the prompt
 * @param completionTokenCount tokens generated: {@code tokens.length} for the engine, the server's
 *     reported {@code usage.completion_tokens} for an OpenAI-compatible server (which sends text,
 *     not token ids), 0 when a server reports nothing
 */
public record Generation(
    String text,
    int[] promptTokens,
    int[] tokens,
    StopReason stopReason,
    int promptTokenCount,
    long prefillNanos,
    long decodeNanos,
    int completionTokenCount) {

  public Generation {
    if (completionTokenCount < 0) {
      throw new IllegalArgumentException(
          "completionTokenCount must be >= 0, got " + completionTokenCount);
    }
  }

  /** A generation whose token ids are known: its completion count is {@code tokens.length}. */
  public Generation(
      String text,
      int[] promptTokens,
      int[] tokens,
      StopReason stopReason,
      int promptTokenCount,
      long prefillNanos,
      long decodeNanos) {
    this(
        text,
        promptTokens,
        tokens,
        stopReason,
        promptTokenCount,
        prefillNanos,
        decodeNanos,
        tokens.length);
  }

  /** Why a generation ended. */
  public enum StopReason {
    /** An end-of-sequence or end-of-turn token. */
    EOS,
    /** A stop string matched. */
    STOP_STRING,
    /** {@code maxTokens} reached. */
    MAX_TOKENS,
    /** The model's context window is full. */
    CONTEXT_FULL
  }

  public int generatedTokenCount() {
    return completionTokenCount;
  }

  public double prefillTokensPerSecond() {
    return prefillNanos == 0 ? 0 : promptTokenCount * 1e9 / prefillNanos;
  }

  public double decodeTokensPerSecond() {
    return decodeNanos == 0 ? 0 : completionTokenCount * 1e9 / decodeNanos;
  }
}
