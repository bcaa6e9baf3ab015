package dev.fathom.actors.session;

import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.memory.session.Turn;
import dev.fathom.retrieval.conversation.QueryRewrite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reply to one turn of a session.
 *
 * @param sessionId the session
 * @param turn the turn's number in the session, from 1; 0 when the session did not reply (the
 *     result is then a {@link QuestionResult.Failed} in stage {@code session}) or refused the asker
 *     (stage {@code access}, see {@link SessionAccess})
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

  /** The reply to a question from a principal that does not own the session. */
  public static TurnResult forbidden(String sessionId, String requestId, String question) {
    return new TurnResult(
        sessionId,
        0,
        QueryRewrite.unchanged(question),
        new QuestionResult.Failed(
            requestId, ACCESS, "session " + sessionId + " belongs to another principal"));
  }

  /** The stage of a {@link #forbidden} result. */
  public static final String ACCESS = "access";

  /**
   * The reply to a question delivered again whose turn {@code t} was answered before the session
   * last recovered: the answer text and sources as journaled (no timings, passages or offsets; a
   * turn that failed was journaled with an empty answer and replies so).
   */
  public static TurnResult fromJournal(String sessionId, Turn t) {
    List<Citation> cited = new ArrayList<>();
    for (dev.fathom.memory.session.Citation c : t.citations()) {
      cited.add(new Citation(cited.size() + 1, c.sourceId(), c.title(), 0, 0, ""));
    }
    return new TurnResult(
        sessionId,
        t.number(),
        new QueryRewrite(t.question(), t.rewrittenQuery(), "journal"),
        new QuestionResult.Answered(
            t.requestId(), new Answer(t.question(), t.answer(), cited, Map.of())));
  }
}
