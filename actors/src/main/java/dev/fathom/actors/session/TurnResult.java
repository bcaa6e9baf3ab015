package dev.fathom.actors.session;

import dev.fathom.actors.QuestionResult;
import dev.fathom.retrieval.conversation.QueryRewrite;
import java.util.Objects;

/**
 * The reply to one turn of a session.
 *
 * @param sessionId the session
 * @param turn the turn's number in the session, from 1; 0 when the session did not reply (the
 *     result is then a {@link QuestionResult.Failed} in stage {@code session})
 * @param rewrite how the question was rewritten into the query that was searched
 * @param result the pipeline's answer or failure
 */
public record TurnResult(
    String sessionId,
    int turn,
    QueryRewrite rewrite,
    // The reply crosses nodes when the session lives elsewhere: name the result's class.
    @com.fasterxml.jackson.annotation.JsonTypeInfo(
            use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.CLASS)
        QuestionResult result) {
  public TurnResult {
    Objects.requireNonNull(sessionId, "sessionId");
    if (turn < 0) throw new IllegalArgumentException("turn must be >= 0, got " + turn);
    Objects.requireNonNull(rewrite, "rewrite");
    Objects.requireNonNull(result, "result");
  }
}
