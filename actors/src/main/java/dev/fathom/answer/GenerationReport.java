package dev.fathom.answer;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.Generation.StopReason;
import dev.fathom.drafters.speculative.SpeculationStats;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a language model did while it wrote an answer: travels inside the {@link Answer}, so every
 * consumer (the terminal's speed line, {@code --json}, the OpenAI {@code finish_reason}) reads it
 * from the answer it received, never from the answerer afterwards.
 *
 * @param model the target model's name
 * @param draftModel the drafter's name when another model drafted (RAPID), else null
 * @param temperature the sampling temperature
 * @param promptTokens tokens of the prompt the target read
 * @param completionTokens tokens generated
 * @param stopReason why generation ended; null when no model ran (the evidence was empty)
 * @param prefillNanos time to read the prompt (0 with speculation: counted in decode)
 * @param decodeNanos time spent generating
 * @param speculation what RAPID did; null without speculation
 * @param droppedMarkers citation markers naming no source, removed from the answer
 * @param streamedCitations the cited sources numbered as the text was streamed (the prompt's
 *     numbers, in order of first use), for consumers that printed the streamed text
 */
public record GenerationReport(
    String model,
    String draftModel,
    float temperature,
    int promptTokens,
    int completionTokens,
    StopReason stopReason,
    long prefillNanos,
    long decodeNanos,
    SpeculationStats speculation,
    int droppedMarkers,
    List<Citation> streamedCitations) {

  public GenerationReport {
    Objects.requireNonNull(model, "model");
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got prompt "
              + promptTokens
              + " and completion "
              + completionTokens);
    }
    streamedCitations = List.copyOf(streamedCitations);
  }

  /** The report of one generation (as {@code fathom generate} prints it). */
  public static GenerationReport of(String model, Generation g, float temperature) {
    return new GenerationReport(
        model,
        null,
        temperature,
        g.promptTokenCount(),
        g.generatedTokenCount(),
        g.stopReason(),
        g.prefillNanos(),
        g.decodeNanos(),
        null,
        0,
        List.of());
  }

  /** Whether a model ran at all (not when the evidence was empty). */
  public boolean generated() {
    return stopReason != null;
  }

  /**
   * The OpenAI finish reason: {@code length} when the answer was cut at {@code maxTokens} or the
   * context window, {@code stop} otherwise.
   */
  public String finishReason() {
    return stopReason == StopReason.MAX_TOKENS || stopReason == StopReason.CONTEXT_FULL
        ? "length"
        : "stop";
  }

  /** The stop reason as Fathom's JSON writes it ({@code eos}, {@code max_tokens}, …), or null. */
  public String stopReasonName() {
    return stopReason == null ? null : stopReason.name().toLowerCase(Locale.ROOT);
  }

  public double prefillTokensPerSecond() {
    return prefillNanos == 0 ? 0 : promptTokens * 1e9 / prefillNanos;
  }

  public double decodeTokensPerSecond() {
    return decodeNanos == 0 ? 0 : completionTokens * 1e9 / decodeNanos;
  }
}
