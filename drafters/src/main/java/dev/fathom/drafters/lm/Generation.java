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
 */
public record Generation(
    String text,
    int[] promptTokens,
    int[] tokens,
    StopReason stopReason,
    int promptTokenCount,
    long prefillNanos,
    long decodeNanos) {

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
    return tokens.length;
  }

  public double prefillTokensPerSecond() {
    return prefillNanos == 0 ? 0 : promptTokenCount * 1e9 / prefillNanos;
  }

  public double decodeTokensPerSecond() {
    return decodeNanos == 0 ? 0 : tokens.length * 1e9 / decodeNanos;
  }
}
