package dev.fathom.actors.agent;

import java.util.List;
import java.util.Objects;

/**
 * One step of the agent loop, as the answer's trace ({@code --json}) shows it and as it is streamed
 * while the loop runs.
 *
 * @param n 1-based position in the loop
 * @param kind {@code decompose} (the model split the question; {@code text} lists the
 *     sub-questions), {@code sub-question} (one was retrieved for and answered), {@code compose}
 *     (the final answer was written), or {@code budget} (a limit stopped the loop early)
 * @param text the sub-question, the plan or the reason
 * @param answer the sub-question's answer, or empty
 * @param sources ids of the sources the step's answer cited
 * @param tokens model tokens the step spent (prompt plus generated; 0 when none was used)
 * @param millis wall time of the step
 */
public record AgentStep(
    int n, String kind, String text, String answer, List<String> sources, int tokens, long millis) {
  public AgentStep {
    if (n < 1) throw new IllegalArgumentException("step numbers start at 1, got " + n);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(answer, "answer");
    sources = List.copyOf(sources);
    if (tokens < 0) throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
  }
}
