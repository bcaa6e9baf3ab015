package dev.fathom.ops.server;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.FathomPipeline;
import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.StrictJson;
import dev.fathom.ops.json.Json;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.search.Retriever;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The HTTP API of {@code fathom serve} (Pekko HTTP), on loopback only because it has no API key
 * yet:
 *
 * <ul>
 *   <li>{@code POST /v1/ask} {@code {"question","sessionId"?,"mode"?,"k"?}}: the answer JSON of
 *       {@code fathom.answers} (200), or the same object with an {@code "error"} (503) when the
 *       pipeline failed; 400 with {@code {"error"}} for a bad request
 *   <li>{@code POST /v1/chat/completions}, {@code GET /v1/models}: the OpenAI API, see {@link
 *       OpenAiRoutes}
 *   <li>{@code GET /v1/search?q=...&k=...&mode=...}: the {@code fathom search --json} object
 *   <li>{@code POST /v1/documents} {@code {"id","title","text"}} and {@code DELETE
 *       /v1/documents/{id}}: written to {@code fathom.documents} (202), from where every serve
 *       process indexes them
 *   <li>{@code GET /healthz}: 200 while the process runs
 *   <li>{@code GET /readyz}: 200 once the index is open and the question consumer has partitions,
 *       503 before
 * </ul>
 */
final class HttpApi {

  private static final ObjectMapper MAPPER = new ObjectMapper();
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
  private final ApiKeys keys;
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
    this.keys = java.util.Objects.requireNonNull(keys, "keys");
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

  Route routes() {
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
                        authorized(
                            caller ->
                                complete(
                                    StatusCodes.OK,
                                    HttpEntities.create(
                                        PROMETHEUS_TEXT,
                                        metrics.scrape().getBytes(StandardCharsets.UTF_8)))))),
        pathPrefix("v1", () -> authorized(this::v1Routes)),
        webRoutes == null ? reject() : webRoutes.page());
  }

  /**
   * Lets the request through, as the principal it authenticates, when no key is configured
   * (anonymous) or it presents a known key as {@code Authorization: Bearer KEY} or {@code
   * X-API-Key: KEY}; 401 with a JSON error otherwise.
   */
  private Route authorized(java.util.function.Function<Principal, Route> inner) {
    if (keys.isEmpty()) return inner.apply(Principal.anonymous());
    return extractRequest(
        request -> {
          String bearer =
              request
                  .getHeader("Authorization")
                  .map(h -> h.value().strip())
                  .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                  .map(v -> v.substring(7).strip())
                  .orElse(null);
          String header = request.getHeader("X-API-Key").map(h -> h.value().strip()).orElse(null);
          var caller = keys.principalOf(bearer).or(() -> keys.principalOf(header));
          if (caller.isPresent()) return inner.apply(caller.get());
          if (OpenAiRoutes.owns(request.getUri().path())) {
            return respondWithHeader(
                org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
                    "WWW-Authenticate", "Bearer"),
                () ->
                    OpenAiRoutes.error(
                        new OpenAiError(
                            401,
                            bearer == null && header == null
                                ? "an API key is required: send Authorization: Bearer KEY"
                                : "the API key is not valid on this server",
                            "invalid_request_error",
                            null,
                            "invalid_api_key")));
          }
          return respondWithHeader(
              org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
                  "WWW-Authenticate", "Bearer"),
              () ->
                  json(
                      StatusCodes.UNAUTHORIZED,
                      Map.of(
                          "error",
                          "an API key is required: send Authorization: Bearer KEY or X-API-Key:"
                              + " KEY")));
        });
  }

  /** The routes under {@code /v1}, each answering as {@code caller}. */
  private Route v1Routes(Principal caller) {
    return concat(
        path(PathMatchers.segment("ask"), () -> post(() -> jsonBody(b -> ask(b, caller)))),
        openAi.route(caller),
        path(PathMatchers.segment("search"), () -> get(() -> parameterMap(p -> search(p, caller)))),
        path(PathMatchers.segment("documents"), () -> post(() -> jsonBody(this::addDocument))),
        path(
            PathMatchers.segment("documents").slash(PathMatchers.segment()),
            id -> delete(() -> deleteDocument(id))),
        sessionRoutes == null ? reject() : sessionRoutes.route(caller),
        collectionRoutes == null ? reject() : collectionRoutes.route(caller),
        behaviorRoutes == null ? reject() : behaviorRoutes.routes(),
        webRoutes == null ? reject() : webRoutes.api(caller));
  }

  /**
   * The body of a POST, as raw bytes, when it is {@code application/json} (415 otherwise); {@code
   * inner} receives the bytes and decodes them strictly (see {@link StrictJson}).
   */
  private Route jsonBody(java.util.function.Function<byte[], Route> inner) {
    return extractRequest(
        request -> {
          var type = request.entity().getContentType().mediaType();
          if (!type.equals(MediaTypes.APPLICATION_JSON)) {
            return json(
                StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                Map.of(
                    "error",
                    "the body must be application/json (Content-Type: application/json), got "
                        + type));
          }
          // The caller's W3C trace context is current while inner runs (a question's parent).
          return entity(
              Unmarshaller.entityToByteArray(),
              metrics.observability().traces().withCallerContext(request, inner));
        });
  }

  private QuestionResult observed(QuestionClock start, QuestionResult r) {
    metrics.question("http", start, r);
    return r;
  }

  private Route search(Map<String, String> params, Principal caller) {
    QuestionIntake.Search s;
    dev.fathom.retrieval.search.SearchScope scope;
    try {
      s = intake.search(params);
      scope = dev.fathom.ops.intake.ScopeIntake.fromParams(params);
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    return onSuccess(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                var hits = retriever.search(s.query(), s.mode(), s.k(), caller, scope);
                return Json.search(
                    s.query(),
                    s.mode(),
                    hits,
                    collectionRoutes == null ? null : collectionRoutes.relevance(hits, s.mode()));
              } catch (dev.fathom.retrieval.index.IndexUnavailableException e) {
                return Map.<String, Object>of("error", e.getMessage(), "status", 404);
              }
            },
            blocking),
        body ->
            body.containsKey("status")
                ? json(StatusCodes.NOT_FOUND, Map.of("error", body.get("error")))
                : json(StatusCodes.OK, body));
  }

  private Route addDocument(byte[] bytes) {
    Inbound.DocumentMessage d;
    try {
      d = Inbound.document(bytes, maxValueBytes);
    } catch (PoisonMessageException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    return published(d.id(), documents.publish(Inbound.documentKey(d.collection(), d.id()), bytes));
  }

  private Route deleteDocument(String id) {
    byte[] tombstone;
    try {
      tombstone = MAPPER.writeValueAsBytes(Map.of("id", id, "deleted", true));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    return published(id, documents.publish(id, tombstone));
  }

  /** 202: the document is on the topic; every serve process indexes it shortly. */
  private static Route published(String id, CompletionStage<Void> sent) {
    return onComplete(
        sent,
        t ->
            t.isSuccess()
                ? json(StatusCodes.ACCEPTED, Map.of("id", id, "status", "accepted"))
                : json(
                    StatusCodes.SERVICE_UNAVAILABLE,
                    Map.of("id", id, "error", "not written to Kafka: " + t.failed().get())));
  }

  private Route ask(byte[] body, Principal caller) {
    QuestionIntake.Accepted accepted;
    boolean agent;
    try {
      com.fasterxml.jackson.databind.JsonNode node = StrictJson.object(body, maxValueBytes, "body");
      accepted = intake.fromHttp(node).askedBy(caller);
      agent = node.path("agent").asBoolean(false);
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    Question q = accepted.question();
    if (collectionRoutes != null && collectionRoutes.missing(q.scope()) != null) {
      return json(StatusCodes.NOT_FOUND, Map.of("error", collectionRoutes.missing(q.scope())));
    }
    String sessionId = accepted.sessionId();
    boolean stream = accepted.stream();
    Inbound.QuestionMessage m = Inbound.QuestionMessage.of(accepted);
    if (agent && agentRoutes != null) return agentRoutes.ask(q, m, stream);
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

  /** One server-sent event: {@code event: name} and the JSON of {@code data}. */
  static String sse(String event, Object data) {
    try {
      return "event: " + event + "\ndata: " + MAPPER.writeValueAsString(data) + "\n\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static Route json(StatusCode status, Map<String, Object> body) {
    try {
      return complete(
          status,
          HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
