package dev.fathom.ops.server;

import dev.fathom.actors.agent.AgentBudget;
import dev.fathom.actors.agent.AgentService;
import dev.fathom.actors.agent.PlannerActor;
import dev.fathom.actors.session.SessionService;
import dev.fathom.answer.AnswerStage;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.index.PassageIndex;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The HTTP API of {@code fathom serve} as configured: every optional route group the server has
 * parts for (sessions, collections, the web page, the agent loop with a language model, the
 * behavior handbook), assembled before it is bound.
 */
final class ServeHttp {

  private static final String SSE_KEEP_ALIVE = "fathom.http.sse-keep-alive";

  private ServeHttp() {}

  /**
   * The API over {@code ws}'s pipeline answering with {@code stage}; {@code behaviorLoop} is null
   * without the handbook.
   */
  static HttpApi api(
      FathomConfig config,
      Workspace ws,
      AnswerStage stage,
      KafkaSettings kafka,
      HttpSettings httpSettings,
      QuestionIntake intake,
      ServeMetrics metrics,
      BooleanSupplier ready,
      DocumentPublisher publisher,
      SessionService sessions,
      BehaviorLoop behaviorLoop,
      PassageIndex index) {
    HttpApi api =
        new HttpApi(
            ws.questions(),
            ws.retriever(),
            publisher,
            kafka.maxValueBytes(),
            intake,
            ready,
            metrics,
            httpSettings.apiKeys());
    api.withSessions(sessions);
    api.openAi(
        stage.generative() ? stage.sharedModel().name() : null,
        config.raw().hasPath(SSE_KEEP_ALIVE)
            ? config.raw().getDuration(SSE_KEEP_ALIVE)
            : Duration.ofSeconds(15));
    api.kvEvictionRefusal(stage.kvEvictionRefusal());
    api.withCollections(new CollectionRoutes(ws, publisher, api.blocking(), kafka.maxValueBytes()));
    api.web(index);
    if (stage.generative()) {
      // "agent": true questions: the IterDRAG loop over this pipeline (docs/sessions.md).
      var budget =
          new AgentBudget(
              config.raw().getInt("fathom.agent.max-steps"),
              config.raw().getInt("fathom.agent.max-tokens"));
      api.withAgent(
          new AgentService(
              ws.questions().system(),
              new PlannerActor.Deps(
                  ws.questions()::ask, stage.languageModel().orElseThrow(), budget),
              config.modelQuestionTimeout().multipliedBy(budget.maxSteps() + 2L)),
          budget);
    }
    if (behaviorLoop != null) api.behaviors(behaviorLoop.module(), behaviorLoop.publisher());
    return api;
  }

  /** The address the API listens on, as printed at start: {@code http://host:port}. */
  static String address(HttpSettings httpSettings, int port) {
    return "http://"
        + (httpSettings.host().contains(":")
            ? "[" + httpSettings.host() + "]"
            : httpSettings.host())
        + ":"
        + port;
  }
}
