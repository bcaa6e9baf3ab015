package dev.fathom.memory.session;

import java.util.List;

/**
 * Writes the running summary of a session: the previous summary extended by the turns being folded
 * out of the verbatim memory. {@link ExtractiveSummarizer} needs no model; a summarizer over a
 * language model lives in {@code dev.fathom.retrieval.conversation}, where the model interface is.
 */
public interface Summarizer {

  /** A short name recorded in {@link SessionEvent.SummaryUpdated#summarizer()}. */
  String name();

  /**
   * The new summary. It should fit {@code maxTokens} by {@code counter}; {@link MemoryFolder} cuts
   * what does not, so an over-long summary loses its end rather than breaking the budget.
   *
   * @param previous the current summary, empty when none
   * @param folded the answered turns being folded, oldest first, non-empty
   */
  String summarize(String previous, List<Turn> folded, int maxTokens, TokenCounter counter);
}
