package dev.fathom.drafters.lm;

import java.util.List;

/**
 * What an OpenAI-compatible server said about a generation beyond its text.
 *
 * @param finishReason the server's {@code finish_reason} ({@code stop}, {@code length}, ...), or
 *     {@code null} when generation was cut short here (a stop string matched locally)
 * @param promptTokens {@code usage.prompt_tokens}, or -1 when the server did not say
 * @param completionTokens {@code usage.completion_tokens}, or -1 when the server did not say
 * @param logprobs per-token log-probabilities, when requested and returned (empty otherwise)
 */
public record OpenAiReply(
    String finishReason, int promptTokens, int completionTokens, List<TokenLogprob> logprobs) {
  public OpenAiReply {
    logprobs = List.copyOf(logprobs);
  }
}
