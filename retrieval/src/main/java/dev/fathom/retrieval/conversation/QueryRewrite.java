package dev.fathom.retrieval.conversation;

import java.util.Objects;

/**
 * A question as it will be searched.
 *
 * @param question the question as the user asked it
 * @param query the standalone query searched instead; equal to {@code question} when unchanged
 * @param method how the query was made: {@code unchanged} (no history), {@code subject} (the
 *     deterministic rewrite), {@code model} (a language model condensed it), or {@code
 *     subject-fallback} (the model's reply was unusable, the deterministic rewrite was used); shown
 *     in {@code --json} and debug output next to the query
 */
public record QueryRewrite(String question, String query, String method) {
  public QueryRewrite {
    if (question == null || question.isBlank()) {
      throw new IllegalArgumentException("question must be non-blank, got '" + question + "'");
    }
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("rewritten query must be non-blank, got '" + query + "'");
    }
    Objects.requireNonNull(method, "method");
  }

  /** The question searched as it is. */
  public static QueryRewrite unchanged(String question) {
    return new QueryRewrite(question, question, "unchanged");
  }
}
