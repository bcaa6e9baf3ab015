package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static dev.fathom.ops.server.HttpJson.sse;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.StrictJson;
import dev.fathom.retrieval.access.Principal;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /v1/ask} {@code {"question","sessionId"?,"mode"?,"k"?,"stream"?,"agent"?}}: the
 * answer JSON of {@code fathom.answers} (200), or the same object with an {@code "error"} (503)
 * when the pipeline failed; 400 with {@code {"error"}} for a bad request, 404 for a collection that
 * does not exist. A streamed answer comes as server-sent events, {@code partial} pieces then the
 * {@code answer}; {@code "agent": true} goes to the agent loop when the server has one.
 */
final class AskRoute {

  private final QuestionService questions;
  private final QuestionIntake intake;
  private final int maxValueBytes;
  private final ServeMetrics metrics;
  private final AgentRoutes agent; // null: "agent" is ignored
  private final CollectionRoutes collections; // null: no collection check

  AskRoute(
      QuestionService questions,
      QuestionIntake intake,
      int maxValueBytes,
      ServeMetrics metrics,
      AgentRoutes agent,
      CollectionRoutes collections) {
    this.questions = questions;
    this.intake = intake;
    this.maxValueBytes = maxValueBytes;
    this.metrics = metrics;
    this.agent = agent;
    this.collections = collections;
  }

  /** The route, answering as {@code caller}. */
  Route route(Principal caller) {
    return path(
        PathMatchers.segment("ask"), () -> post(() -> HttpJson.body(metrics, b -> ask(b, caller))));
  }

  private Route ask(byte[] body, Principal caller) {
    QuestionIntake.Accepted accepted;
    boolean agentAsked;
    try {
      JsonNode node = StrictJson.object(body, maxValueBytes, "body");
      accepted = intake.fromHttp(node).askedBy(caller);
      agentAsked = node.path("agent").asBoolean(false);
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    Question q = accepted.question();
    if (collections != null && collections.missing(q.scope()) != null) {
      return json(StatusCodes.NOT_FOUND, Map.of("error", collections.missing(q.scope())));
    }
    boolean stream = accepted.stream();
    Inbound.QuestionMessage m = Inbound.QuestionMessage.of(accepted);
    if (agentAsked && agent != null) return agent.ask(q, m, stream);
    QuestionClock start = QuestionClock.start();
    if (stream) {
      // Headers go out now; partial events follow the answer's text as it is generated, and the
      // last event carries the whole answer (or the failure).
      LiveEvents events = LiveEvents.open(questions.system());
      questions
          .ask(q, piece -> events.send(sse("partial", Map.of("text", piece))))
          .thenApply(r -> observed(start, r))
          .whenComplete(
              (r, e) ->
                  events.finish(
                      sse(
                          "answer",
                          r != null
                              ? Outbound.answer(m, r)
                              : Outbound.answer(
                                  m,
                                  new QuestionResult.Failed(
                                      q.requestId(), "pipeline", String.valueOf(e))))));
      return complete(HttpResponse.create().withStatus(StatusCodes.OK).withEntity(events.entity()));
    }
    CompletionStage<QuestionResult> result = questions.ask(q).thenApply(r -> observed(start, r));
    return onSuccess(
        result,
        r ->
            json(
                r instanceof QuestionResult.Answered
                    ? StatusCodes.OK
                    : StatusCodes.SERVICE_UNAVAILABLE,
                Outbound.answer(m, r)));
  }

  private QuestionResult observed(QuestionClock start, QuestionResult r) {
    metrics.question("http", start, r);
    return r;
  }
}
