package dev.fathom.actors.agent;

/**
 * What one agent question may spend.
 *
 * @param maxSteps sub-questions at most, 1..16 (IterDRAG's n: the paper finds gains up to about 5
 *     iterations, arXiv 2410.04343 §4)
 * @param maxTokens model tokens at most over the whole loop (prompts plus generated text of the
 *     decomposition, of every sub-answer that a model wrote, and of the composition), 64..10000000;
 *     the paper's "effective context length". Once spent, no further sub-question is asked and the
 *     answer is composed from what was found.
 */
public record AgentBudget(int maxSteps, int maxTokens) {

  /** Four sub-questions and 16,384 tokens. */
  public static final AgentBudget DEFAULT = new AgentBudget(4, 16_384);

  public AgentBudget {
    if (maxSteps < 1 || maxSteps > 16) {
      throw new IllegalArgumentException("agent maxSteps must be in 1..16, got " + maxSteps);
    }
    if (maxTokens < 64 || maxTokens > 10_000_000) {
      throw new IllegalArgumentException(
          "agent maxTokens must be in 64..10000000, got " + maxTokens);
    }
  }
}
