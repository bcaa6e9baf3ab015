package dev.fathom.actors.session;

import dev.fathom.actors.QuestionResult;
import dev.fathom.retrieval.conversation.QueryRewrite;
import java.util.Objects;

/**
 * The reply to one turn of a session.
 *
 * @param sessionId the session
 * @param turn the turn's number in the session, from 1
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
    if (turn < 1) throw new IllegalArgumentException("turn number is 1-based, got " + turn);
    Objects.requireNonNull(rewrite, "rewrite");
    Objects.requireNonNull(result, "result");
  }
}
