package dev.fathom.answer;

import dev.fathom.answer.NumberedSources.Source;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.compressors.Evidence;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an answer a language model wrote into the {@link Trace} the behavior curator reflects on
 * (the paper's "solve" step, arXiv 2509.13237 §3): the evidence numbered as the prompt numbered it,
 * the answer, the evidence numbers it cites, token counts and the behaviors offered and cited.
 */
public final class AnswerTraces {

  private AnswerTraces() {}

  /**
   * The trace of {@code answer}, written from {@code evidence} for request {@code requestId}.
   *
   * @throws IllegalArgumentException when {@code answer} was not written by a language model
   */
  public static Trace of(String requestId, Evidence evidence, Answer answer) {
    GenerationReport g = answer.generation();
    if (g == null) {
      throw new IllegalArgumentException(
          "request " + requestId + ": only answers a language model wrote have traces");
    }
    List<Source> sources = NumberedSources.ofEvidence(evidence);
    List<Trace.Source> shown = new ArrayList<>();
    for (Source s : sources) {
      shown.add(new Trace.Source(s.citation().n(), s.citation().title(), s.text()));
    }
    List<Integer> cited = new ArrayList<>();
    for (Citation c : answer.citations()) {
      for (Source s : sources) {
        Citation e = s.citation();
        if (e.source().equals(c.source()) && e.start() == c.start() && e.end() == c.end()) {
          if (!cited.contains(e.n())) cited.add(e.n());
          break;
        }
      }
    }
    Trace trace =
        Trace.of(
            requestId,
            g.model(),
            answer.question(),
            shown,
            answer.text(),
            cited,
            g.promptTokens(),
            g.completionTokens());
    BehaviorsUsed used = answer.behaviors();
    return used == null ? trace : trace.withBehaviors(used.offered(), used.cited());
  }
}
