package dev.fathom.answer;

import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.KvEvictionSettings;
import java.util.List;
import java.util.Objects;

/**
 * What one caller asks of the answer stage beyond the question: the OpenAI API lets each request
 * choose its model, sampling, length, stop strings and a system message. It travels as the
 * question's {@link TokenListener} (the one object that reaches the answerer unchanged from the
 * door that took the question), and passes the answer's text on to {@link #stream()}.
 *
 * <p>A {@link GenerativeAnswerer} answers with these settings in place of its own; a request for
 * {@link #extractive()} is answered by the extractive answerer even when a model is loaded.
 * Answerers that do not know it ignore it, so a plain listener means "the configured defaults".
 *
 * @param stream where the answer's text goes as it is written
 * @param extractive answer from the evidence sentences without a model
 * @param maxTokens most tokens to generate, or null for the configured number
 * @param temperature sampling temperature (0 greedy), or null for the configured one
 * @param topP nucleus sampling's p in (0, 1], or null for the configured one
 * @param seed the sampler's seed, or null for the configured one
 * @param stop strings that end the answer (empty: the configured ones)
 * @param instructions the caller's system message, added after Fathom's own instructions; blank for
 *     none
 * @param kvEviction the KV eviction policy and budget of this request's cache (docs/memory.md), or
 *     null for the model's own; only the in-JVM engine without RAPID honours it
 */
public record AnswerRequest(
    TokenListener stream,
    boolean extractive,
    Integer maxTokens,
    Float temperature,
    Float topP,
    Long seed,
    List<String> stop,
    String instructions,
    KvEvictionSettings kvEviction)
    implements TokenListener {

  /** The configured defaults. */
  public static final AnswerRequest DEFAULTS =
      new AnswerRequest(TokenListener.NONE, false, null, null, null, null, List.of(), "", null);

  public AnswerRequest {
    Objects.requireNonNull(stream, "stream");
    stop = List.copyOf(stop);
    instructions = instructions == null ? "" : instructions.strip();
  }

  /** The request {@code listener} carries, or {@link #DEFAULTS} for a plain listener. */
  public static AnswerRequest of(TokenListener listener) {
    return listener instanceof AnswerRequest r ? r : DEFAULTS;
  }

  /** {@code base} with this request's choices in place of the configured ones. */
  public GenerationSettings settings(GenerationSettings base) {
    GenerationSettings.Builder b = base.toBuilder();
    if (maxTokens != null) b.maxTokens(maxTokens);
    if (temperature != null) b.temperature(temperature);
    if (topP != null) b.topP(topP);
    if (seed != null) b.seed(seed);
    if (!stop.isEmpty()) b.stop(stop);
    if (kvEviction != null) b.kvEviction(kvEviction);
    return b.build();
  }

  /** The same request streaming to {@code listener}. */
  public AnswerRequest streamingTo(TokenListener listener) {
    return new AnswerRequest(
        listener, extractive, maxTokens, temperature, topP, seed, stop, instructions, kvEviction);
  }

  @Override
  public void onText(String text) {
    stream.onText(text);
  }
}
