package dev.fathom.answer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An answer with its numbered citations and, when a language model wrote it, what the generation
 * did.
 *
 * @param question the question asked
 * @param text the answer; sentences carry {@code [n]} markers that refer to {@link #citations}
 * @param citations the sources, numbered from 1 in order of first use
 * @param timingsMs milliseconds spent per stage ({@code retrieve}, {@code compress}, {@code
 *     answer}, {@code total}), in insertion order
 * @param generation what the language model did; null for an extractive answer
 * @param behaviors the handbook behaviors offered and cited; null when none were offered
 * @param scores citation number → retrieval relevance and raw score of the passage it quotes; a
 *     citation whose passage was not among the retrieved hits (or whose retriever has no 0–1 scale)
 *     has no entry
 */
public record Answer(
    String question,
    String text,
    List<Citation> citations,
    Map<String, Long> timingsMs,
    GenerationReport generation,
    BehaviorsUsed behaviors,
    Map<Integer, CitedScore> scores) {
  public Answer {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(text, "text");
    citations = List.copyOf(citations);
    timingsMs = Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs));
    scores = scores == null ? Map.of() : Map.copyOf(scores);
  }

  /** An answer whose citations carry no retrieval scores (yet). */
  public Answer(
      String question,
      String text,
      List<Citation> citations,
      Map<String, Long> timingsMs,
      GenerationReport generation,
      BehaviorsUsed behaviors) {
    this(question, text, citations, timingsMs, generation, behaviors, Map.of());
  }

  /** An answer without behaviors. */
  public Answer(
      String question,
      String text,
      List<Citation> citations,
      Map<String, Long> timingsMs,
      GenerationReport generation) {
    this(question, text, citations, timingsMs, generation, null);
  }

  /** An answer no language model wrote. */
  public Answer(String question, String text, List<Citation> citations, Map<String, Long> timings) {
    this(question, text, citations, timings, null);
  }

  /** True when the evidence was empty and the answer says so. */
  public boolean foundNothing() {
    return citations.isEmpty();
  }

  /** A copy with {@code timings} replacing the current timings. */
  public Answer withTimings(Map<String, Long> timings) {
    return new Answer(question, text, citations, timings, generation, behaviors, scores);
  }

  /** A copy with {@code used} as its behaviors. */
  public Answer withBehaviors(BehaviorsUsed used) {
    return new Answer(question, text, citations, timingsMs, generation, used, scores);
  }

  /** A copy with {@code cited} as the citations' retrieval scores. */
  public Answer withScores(Map<Integer, CitedScore> cited) {
    return new Answer(question, text, citations, timingsMs, generation, behaviors, cited);
  }
}
