package dev.fathom.retrieval.conversation;

import dev.fathom.memory.session.MemoryWindow;

/**
 * Turns a follow-up question into a standalone search query using the conversation so far, so that
 * "When does it end?" after a question about a lease searches for the lease. The default, {@link
 * SubjectRewriter}, needs no model; {@link CondensingRewriter} asks a language model.
 *
 * <p>Implementations are thread-safe, except that a model-backed one is called from one thread at a
 * time as {@link dev.fathom.drafters.lm.LanguageModel} requires.
 */
public interface QueryRewriter {

  /**
   * The query to search for {@code question} given {@code history}. With an empty history the
   * question is returned unchanged.
   *
   * @throws IllegalArgumentException when the question is blank
   */
  QueryRewrite rewrite(String question, MemoryWindow history);
}
