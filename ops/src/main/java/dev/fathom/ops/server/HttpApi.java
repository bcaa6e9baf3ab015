package dev.fathom.ops.server;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import dev.fathom.actors.FathomPipeline;
import dev.fathom.actors.QuestionService;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.search.Retriever;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The HTTP API of {@code fathom serve} (Pekko HTTP), on loopback only because it has no API key
 * yet:
 *
 * <ul>
 *   <li>{@code POST /v1/ask} {@code {"question","sessionId"?,"mode"?,"k"?}}: the answer JSON of
 *       {@code fathom.answers} (200), or the same object with an {@code "error"} (503) when the
 *       pipeline failed; 400 with {@code {"error"}} for a bad request (see {@link AskRoute})
 *   <li>{@code POST /v1/chat/completions}, {@code GET /v1/models}: the OpenAI API, see {@link
 *       OpenAiRoutes}
 *   <li>{@code GET /v1/search?q=...&k=...&mode=...}: the {@code fathom search --json} object (see
 *       {@link SearchRoute})
 *   <li>{@code POST /v1/documents} {@code {"id","title","text"}} and {@code DELETE
 *       /v1/documents/{id}}: written to {@code fathom.documents} (202), from where every serve
 *       process indexes them (see {@link DocumentRoutes})
 *   <li>{@code GET /healthz}: 200 while the process runs
 *   <li>{@code GET /readyz}: 200 once the index is open and the question consumer has partitions,
 *       503 before
 * </ul>
 */
final class HttpApi {

  private static final ContentType PROMETHEUS_TEXT =
      ContentTypes.create(
          MediaTypes.customWithFixedCharset(
              "text",
              "plain",
              HttpCharsets.UTF_8,
              new java.util.HashMap<>(Map.of("version", "0.0.4")),
              false));

  private final QuestionService questions;
  private final QuestionIntake intake;
  private final BooleanSupplier ready;
  private final Retriever retriever;
  private final DocumentPublisher documents;
  private final int maxValueBytes;
  private final Executor blocking;
  private final ServeMetrics metrics;
  private final ApiAuthorization authorization;
  private final OpenAiRoutes openAi;
  private SessionRoutes sessionRoutes; // null: no sessions on this server
  private AgentRoutes agentRoutes; // null: no language model, "agent" is ignored
  private BehaviorRoutes behaviorRoutes; // null without the behavior handbook
  private CollectionRoutes collectionRoutes; // null: no collection endpoints
  private WebRoutes webRoutes; // null: no web page

  /** With at most the single key {@code apiKey} (blank = none). */
  HttpApi(
      QuestionService questions,
      Retriever retriever,
      DocumentPublisher documents,
      int maxValueBytes,
      QuestionIntake intake,
      BooleanSupplier ready,
      ServeMetrics metrics,
      String apiKey) {
    this(
        questions,
        retriever,
        documents,
        maxValueBytes,
        intake,
        ready,
        metrics,
        ApiKeys.of(apiKey, java.util.List.of()));
  }

  /**
   * Every {@code /v1/*} request presents one of {@code keys} and is answered as its principal; with
   * no keys every request is {@link Principal#anonymous()}.
   */
  HttpApi(
      QuestionService questions,
      Retriever retriever,
      DocumentPublisher documents,
      int maxValueBytes,
      QuestionIntake intake,
      BooleanSupplier ready,
      ServeMetrics metrics,
      ApiKeys keys) {
    this.metrics = metrics;
    this.authorization = new ApiAuthorization(keys);
    this.questions = questions;
    this.retriever = retriever;
    this.documents = documents;
    this.maxValueBytes = maxValueBytes;
    // Searches block on Lucene and the embedding model: they run on the pipeline's blocking
    // dispatcher, never on the threads that serve HTTP connections.
    this.blocking =
        questions
            .system()
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(FathomPipeline.BLOCKING_DISPATCHER));
    this.intake = intake;
    this.ready = ready;
    this.openAi = new OpenAiRoutes(questions, intake, maxValueBytes, blocking, metrics);
  }

  /**
   * The OpenAI routes answer with {@code generativeModel} (its name; null: extractively) and send a
   * keep-alive comment on a silent stream every {@code keepAlive}.
   */
  HttpApi openAi(String generativeModel, Duration keepAlive) {
    openAi.generativeModel(generativeModel);
    openAi.keepAlive(keepAlive);
    return this;
  }

  /**
   * Whether the answer model honours a chat request's {@code kv_eviction}: null when it does, else
   * why not (such a request is then refused with 400; refused until this is called).
   */
  HttpApi kvEvictionRefusal(String why) {
    openAi.kvEvictionRefusal(why);
    return this;
  }

  /** Answers {@code "agent": true} questions of {@code POST /v1/ask} through the agent loop. */
  HttpApi withAgent(
      dev.fathom.actors.agent.AgentService agent, dev.fathom.actors.agent.AgentBudget budget) {
    this.agentRoutes = new AgentRoutes(agent, budget, questions.system());
    return this;
  }

  /** Serves the {@code /v1/sessions} endpoints (and history in chat completions) from {@code s}. */
  HttpApi withSessions(dev.fathom.actors.session.SessionService s) {
    this.sessionRoutes = new SessionRoutes(s, intake, maxValueBytes);
    openAi.sessions(sessionRoutes);
    return this;
  }

  /** Serves {@code /v1/collections} (see {@link CollectionRoutes}). */
  HttpApi withCollections(CollectionRoutes routes) {
    this.collectionRoutes = routes;
    if (sessionRoutes != null) sessionRoutes.collections(routes);
    return this;
  }

  /** The executor of blocking work (Lucene searches), for routes defined elsewhere. */
  Executor blocking() {
    return blocking;
  }

  /**
   * Serves the behavior handbook and answer feedback under {@code /v1} (see {@link
   * BehaviorRoutes}).
   */
  void behaviors(dev.fathom.behaviors.BehaviorModule module, BehaviorPublisher publisher) {
    behaviorRoutes = new BehaviorRoutes(module.handbook(), publisher, blocking);
  }

  /**
   * Serves the web page at {@code /} and its passage view over {@code index} (see {@link
   * WebRoutes}).
   */
  HttpApi web(dev.fathom.retrieval.index.PassageIndex index) {
    webRoutes = new WebRoutes(index, blocking, collectionRoutes); // after withCollections
    return this;
  }

  /** Binds to {@code host:port} (0 = any free port) on the pipeline's actor system. */
  ServerBinding bind(String host, int port) {
    return bind(host, port, HttpLimits.defaults());
  }

  /**
   * Binds to {@code host:port}, each connection behind a {@link ConnectionGuard} enforcing {@code
   * limits}.
   */
  ServerBinding bind(String host, int port, HttpLimits limits) {
    var open = new java.util.concurrent.atomic.AtomicInteger();
    try {
      return Http.get(questions.system())
          .newServerAt(host, port)
          // Pekko's own accept limit sits above ours, so a connection over the limit is accepted,
          // counted and closed at once instead of waiting unseen in the kernel's backlog.
          .adaptSettings(s -> s.withMaxConnections(limits.maxConnections() + 64))
          .bindFlow(
              ConnectionGuard.create(limits, open, metrics).join(routes().flow(questions.system())))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot listen for HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** Stops accepting connections and gives requests in progress up to {@code grace}. */
  static void unbind(ServerBinding binding, Duration grace) {
    try {
      binding
          .terminate(grace)
          .toCompletableFuture()
          .get(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Shutting down anyway; nothing to hand back to a caller.
    }
  }

  /** Every route, the optional ones as configured so far (called once, by {@link #bind}). */
  Route routes() {
    var ask =
        new AskRoute(questions, intake, maxValueBytes, metrics, agentRoutes, collectionRoutes);
    var search = new SearchRoute(retriever, intake, blocking, collectionRoutes);
    var documentRoutes = new DocumentRoutes(documents, maxValueBytes, metrics);
    return concat(
        path("healthz", () -> get(() -> complete(StatusCodes.OK, "ok"))),
        path(
            "readyz",
            () ->
                get(
                    () ->
                        extractRequest(
                            r ->
                                ready.getAsBoolean()
                                    ? complete(StatusCodes.OK, "ready")
                                    : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready")))),
        path(
            "metrics",
            () ->
                get(
                    () ->
                        authorization.authorized(
                            caller ->
                                complete(
                                    StatusCodes.OK,
                                    HttpEntities.create(
                                        PROMETHEUS_TEXT,
                                        metrics.scrape().getBytes(StandardCharsets.UTF_8)))))),
        pathPrefix(
            "v1",
            () ->
                authorization.authorized(caller -> v1Routes(caller, ask, search, documentRoutes))),
        webRoutes == null ? reject() : webRoutes.page());
  }

  /** The routes under {@code /v1}, each answering as {@code caller}. */
  private Route v1Routes(
      Principal caller, AskRoute ask, SearchRoute search, DocumentRoutes documentRoutes) {
    return concat(
        ask.route(caller),
        openAi.route(caller),
        search.route(caller),
        documentRoutes.route(),
        sessionRoutes == null ? reject() : sessionRoutes.route(caller),
        collectionRoutes == null ? reject() : collectionRoutes.route(caller),
        behaviorRoutes == null ? reject() : behaviorRoutes.routes(),
        webRoutes == null ? reject() : webRoutes.api(caller));
  }
}
