package dev.fathom.ops.server;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.agent.AgentBudget;
import dev.fathom.actors.agent.AgentResult;
import dev.fathom.actors.agent.AgentService;
import dev.fathom.ops.json.AgentJson;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /v1/ask} with {@code "agent": true} on a server with a language model: the question
 * goes through the IterDRAG loop (docs/sessions.md). The reply is the answer JSON of {@code
 * /v1/ask} plus {@code "agent"} (the trace); with {@code "stream": true} server-sent events: one
 * {@code step} event per step as it completes, {@code partial} events of the composed answer's
 * text, then the {@code answer} event with the trace.
 */
final class AgentRoutes {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final AgentService agent;
  private final AgentBudget budget;
  private final ActorSystem<?> system;

  AgentRoutes(AgentService agent, AgentBudget budget, ActorSystem<?> system) {
    this.agent = agent;
    this.budget = budget;
    this.system = system;
  }

  Route ask(Question q, Inbound.QuestionMessage m, boolean stream) {
    if (stream) {
      LiveEvents events = LiveEvents.open(system);
      agent
          .ask(
              q,
              piece -> events.send(HttpJson.sse("partial", Map.of("text", piece))),
              step -> events.send(HttpJson.sse("step", AgentJson.step(step))))
          .whenComplete(
              (r, e) ->
                  events.finish(
                      HttpJson.sse(
                          "answer",
                          r != null
                              ? body(m, r)
                              : Outbound.answer(
                                  m,
                                  new QuestionResult.Failed(
                                      q.requestId(), "agent", String.valueOf(e))))));
      return complete(HttpResponse.create().withStatus(StatusCodes.OK).withEntity(events.entity()));
    }
    return onSuccess(
        agent.ask(q, dev.fathom.drafters.lm.TokenListener.NONE, step -> {}),
        r -> {
          try {
            return complete(
                r.result() instanceof QuestionResult.Answered
                    ? StatusCodes.OK
                    : StatusCodes.SERVICE_UNAVAILABLE,
                HttpEntities.create(
                    ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body(m, r))));
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
          }
        });
  }

  private Map<String, Object> body(Inbound.QuestionMessage m, AgentResult r) {
    Map<String, Object> out = Outbound.answer(m, r.result());
    out.put("agent", AgentJson.trace(r, budget));
    return out;
  }
}
