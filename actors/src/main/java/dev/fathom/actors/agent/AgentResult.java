package dev.fathom.actors.agent;

import dev.fathom.actors.QuestionResult;
import java.util.List;
import java.util.Objects;

/**
 * An agent question's reply: the answer (or failure) as the pipeline would give it, and the steps
 * that led to it.
 *
 * @param result the composed answer, citing every passage the sub-answers used
 * @param steps the trace, in order
 * @param tokens model tokens spent over all steps
 */
public record AgentResult(QuestionResult result, List<AgentStep> steps, int tokens) {
  public AgentResult {
    Objects.requireNonNull(result, "result");
    steps = List.copyOf(steps);
  }
}
