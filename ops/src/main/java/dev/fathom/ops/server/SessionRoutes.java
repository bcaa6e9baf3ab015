package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static org.apache.pekko.http.javadsl.server.Directives.*;

import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.session.SessionService;
import dev.fathom.actors.session.TurnResult;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.StrictJson;
import dev.fathom.ops.sessions.SessionJson;
import dev.fathom.retrieval.access.Principal;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The session endpoints under {@code /v1} (docs/serve.md):
 *
 * <ul>
 *   <li>{@code POST /v1/sessions} → 201 {@code {"session": id}}: a new session id (the session is
 *       created by its first question);
 *   <li>{@code GET /v1/sessions/{id}} → the history: {@code {"session","summary",
 *       "folded_through","turns":[{"turn","question","rewritten_query","answer","citations",...}]}},
 *       404 for a session with no turns;
 *   <li>{@code DELETE /v1/sessions/{id}} → stops the session and deletes its journal;
 *   <li>{@code POST /v1/sessions/{id}/ask} {@code {"question","mode"?,"k"?,"stream"?}} → the answer
 *       JSON of {@code /v1/ask} plus {@code "session"}, {@code "turn"} and {@code "rewrite"} (the
 *       query searched); with {@code "stream": true} server-sent events as {@code /v1/ask}: {@code
 *       partial} events, then one {@code answer} event.
 * </ul>
 *
 * <p>A session belongs to the principal that asked its first turn ({@code SessionAccess}): another
 * caller gets 403 from {@code ask} and 404 from {@code GET} and {@code DELETE}, as for a session
 * that never was.
 */
final class SessionRoutes {

  private final SessionService sessions;
  private final QuestionIntake intake;
  private final int maxValueBytes;
  private volatile CollectionRoutes collections; // null: no collections to check a turn against

  SessionRoutes(SessionService sessions, QuestionIntake intake, int maxValueBytes) {
    this.sessions = sessions;
    this.intake = intake;
    this.maxValueBytes = maxValueBytes;
  }

  /** Turns naming a collection this server does not have get 404, as {@code /v1/ask} does. */
  void collections(CollectionRoutes routes) {
    this.collections = routes;
  }

  dev.fathom.retrieval.conversation.HistoryAwareRetriever rewriter() {
    return sessions.rewriter();
  }

  /** The session routes, each answering as {@code caller}. */
  Route route(Principal caller) {
    return concat(
        path(
            PathMatchers.segment("sessions"),
            () ->
                post(
                    () ->
                        json(
                            StatusCodes.CREATED,
                            Map.of("session", "s-" + UUID.randomUUID().toString())))),
        path(
            PathMatchers.segment("sessions").slash(PathMatchers.segment()),
            id -> concat(get(() -> history(id, caller)), delete(() -> deleteSession(id, caller)))),
        path(
            PathMatchers.segment("sessions").slash(PathMatchers.segment()).slash("ask"),
            id ->
                post(
                    () ->
                        entity(Unmarshaller.entityToByteArray(), body -> ask(id, body, caller)))));
  }

  /** A session of another principal is not found, as one that never was (no existence leak). */
  private Route history(String id, Principal caller) {
    try {
      return onSuccess(
          sessions.history(id, caller),
          t ->
              t.turns().isEmpty()
                  ? json(StatusCodes.NOT_FOUND, Map.of("error", "no session " + id))
                  : json(StatusCodes.OK, SessionJson.transcript(id, t)));
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
  }

  private Route deleteSession(String id, Principal caller) {
    try {
      return onSuccess(
          sessions.delete(id, caller),
          existed ->
              existed
                  ? json(StatusCodes.OK, Map.of("session", id, "deleted", true))
                  : json(StatusCodes.NOT_FOUND, Map.of("error", "no session " + id)));
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
  }

  private Route ask(String id, byte[] body, Principal caller) {
    QuestionIntake.Accepted q;
    try {
      q = intake.fromHttp(StrictJson.object(body, maxValueBytes, "body"));
      SessionService.requireId(id);
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    var question = q.question();
    CollectionRoutes c = collections;
    String missing = c == null ? null : c.missing(question.scope());
    if (missing != null) return json(StatusCodes.NOT_FOUND, Map.of("error", missing));
    if (q.stream()) {
      LiveEvents events = LiveEvents.open(sessions.system());
      sessions
          .ask(
              id,
              question.requestId(),
              question.text(),
              question.mode(),
              question.k(),
              caller,
              piece -> events.send(HttpJson.sse("partial", Map.of("text", piece))),
              question.scope())
          .whenComplete(
              (r, e) ->
                  events.finish(
                      HttpJson.sse(
                          "answer",
                          r != null
                              ? SessionJson.turn(r)
                              : Map.of("session", id, "error", String.valueOf(e)))));
      return complete(HttpResponse.create().withStatus(StatusCodes.OK).withEntity(events.entity()));
    }
    return onSuccess(
        sessions.ask(
            id,
            question.requestId(),
            question.text(),
            question.mode(),
            question.k(),
            caller,
            dev.fathom.drafters.lm.TokenListener.NONE,
            question.scope()),
        (TurnResult r) ->
            json(
                switch (r.result()) {
                  case QuestionResult.Answered a -> StatusCodes.OK;
                  case QuestionResult.Failed f when f.stage().equals(TurnResult.ACCESS) ->
                      StatusCodes.FORBIDDEN;
                  case QuestionResult.Failed f -> StatusCodes.SERVICE_UNAVAILABLE;
                },
                SessionJson.turn(r)));
  }
}
