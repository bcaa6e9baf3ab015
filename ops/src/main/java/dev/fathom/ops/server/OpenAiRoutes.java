package dev.fathom.ops.server;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.StrictJson;
import dev.fathom.retrieval.access.Principal;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * The OpenAI API routes of {@code fathom serve}: {@code POST /v1/chat/completions} (see {@link
 * ChatRequest} for the fields, {@link ChatCompletions} for the replies), {@code GET /v1/models} and
 * {@code GET /v1/models/{id}} (see {@link ServedModels}). Every failure on these routes, whatever
 * its status (400, 401, 404, 405, 413, 415, 500, 503), has OpenAI's error body {@code
 * {"error":{"message","type","param","code"}}}, so OpenAI client libraries raise their own typed
 * exceptions with Fathom's message.
 *
 * <p>A streamed answer sends a server-sent-events comment ({@value ChatCompletions#KEEP_ALIVE}
 * without its blank line) whenever nothing else was sent for the keep-alive interval, so proxies
 * and clients with read timeouts do not close the stream while retrieval runs or a model prefills.
 */
final class OpenAiRoutes {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final QuestionService questions;
  private final QuestionIntake intake;
  private final int maxValueBytes;
  private final Executor blocking;
  private final ServeMetrics metrics;
  private volatile SessionRoutes sessions; // null: no history-aware retrieval
  private volatile ServedModels models = new ServedModels(null, System.currentTimeMillis() / 1000);
  private volatile Duration keepAlive = Duration.ofSeconds(15);
  // Why the answer model ignores a request's kv_eviction (null: it honours it). Refused until the
  // server says otherwise, so the field is never dropped unseen.
  private volatile String kvEvictionRefusal = "no in-JVM engine writes the answers";

  OpenAiRoutes(
      QuestionService questions,
      QuestionIntake intake,
      int maxValueBytes,
      Executor blocking,
      ServeMetrics metrics) {
    this.questions = Objects.requireNonNull(questions, "questions");
    this.intake = Objects.requireNonNull(intake, "intake");
    this.maxValueBytes = maxValueBytes;
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.metrics = metrics;
  }

  /** Earlier turns of a request are searched with, as a session's turns are. */
  void sessions(SessionRoutes s) {
    this.sessions = s;
  }

  /** The language model's name when one answers (null: extractive only). */
  void generativeModel(String name) {
    this.models = new ServedModels(name, models.created());
  }

  /**
   * Whether the answer model honours a request's {@code kv_eviction}: null when it does, else why
   * not (a 400 then says so).
   */
  void kvEvictionRefusal(String why) {
    this.kvEvictionRefusal = why;
  }

  /** How long a stream may stay silent before a keep-alive comment is sent. */
  void keepAlive(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "the keep-alive interval must be positive, got " + interval);
    }
    this.keepAlive = interval;
  }

  ServedModels models() {
    return models;
  }

  /** Whether {@code path} is one of these routes (its 401 then takes OpenAI's error shape). */
  static boolean owns(String path) {
    return path.equals("/v1/chat/completions")
        || path.equals("/v1/models")
        || path.startsWith("/v1/models/");
  }

  /** The routes, answering as {@code caller}; other paths are left to the routes after these. */
  Route route(Principal caller) {
    return concat(
        path(
            PathMatchers.segment("chat").slash("completions"),
            () ->
                guarded(
                    () -> concat(post(() -> jsonBody(b -> chat(b, caller))), notAllowed("POST")))),
        path(
            PathMatchers.segment("models"),
            () -> guarded(() -> concat(get(() -> json(200, models.list())), notAllowed("GET")))),
        path(
            PathMatchers.segment("models").slash(PathMatchers.segment()),
            id -> guarded(() -> concat(get(() -> model(id)), notAllowed("GET")))));
  }

  /** An error on these routes: OpenAI's body with its status. */
  static Route error(OpenAiError e) {
    return json(e.status(), e.body());
  }

  private static Route guarded(java.util.function.Supplier<Route> inner) {
    ExceptionHandler handler =
        ExceptionHandler.newBuilder()
            .match(OpenAiError.Failure.class, f -> error(f.error()))
            .match(
                EntityStreamSizeException.class,
                e ->
                    error(
                        new OpenAiError(
                            413,
                            "the request body is larger than this server accepts: "
                                + e.getMessage(),
                            "invalid_request_error",
                            null,
                            "request_too_large")))
            .matchAny(
                e ->
                    error(new OpenAiError(500, "internal error: " + e, "server_error", null, null)))
            .build();
    return handleExceptions(handler, inner);
  }

  private static Route notAllowed(String allowed) {
    return extractMethod(
        m ->
            error(
                new OpenAiError(
                    405,
                    "method " + m.name() + " is not allowed here; use " + allowed,
                    "invalid_request_error",
                    null,
                    "method_not_allowed")));
  }

  private Route model(String id) {
    if (!models.ids().contains(id)) throw OpenAiError.modelNotFound(id, models.ids()).failure();
    return json(200, models.model(id));
  }

  private Route jsonBody(java.util.function.Function<byte[], Route> inner) {
    return extractRequest(
        request -> {
          var type = request.entity().getContentType().mediaType();
          if (!type.equals(MediaTypes.APPLICATION_JSON)) {
            return error(
                new OpenAiError(
                    415,
                    "the body must be application/json (Content-Type: application/json), got "
                        + type,
                    "invalid_request_error",
                    null,
                    "unsupported_media_type"));
          }
          if (metrics == null) return entity(Unmarshaller.entityToByteArray(), inner);
          // As for /v1/ask: the caller's W3C trace context is current while inner runs.
          return entity(
              Unmarshaller.entityToByteArray(),
              metrics.observability().traces().withCallerContext(request, inner));
        });
  }

  private Route chat(byte[] body, Principal caller) {
    JsonNode j;
    try {
      j = StrictJson.object(body, maxValueBytes, "body");
    } catch (IllegalArgumentException e) {
      return error(OpenAiError.invalid(null, e.getMessage()));
    }
    ChatRequest r = ChatRequest.parse(j, intake);
    ServedModels.Choice choice = models.choose(r.model());
    if (choice.extractive()) {
      r.checkExtractive(choice.id());
      KvEvictionField.refuse(r.kvEviction(), choice.id(), "it composes answers without a model");
    } else if (kvEvictionRefusal != null) {
      KvEvictionField.refuse(r.kvEviction(), choice.id(), kvEvictionRefusal);
    }
    QuestionIntake.Accepted req = r.question().askedBy(caller);
    SessionRoutes s = sessions;
    if (s != null && ChatHistory.hasHistory(r.messages())) {
      // Earlier turns: search the last question rewritten with them, as a session turn does.
      // The rewrite and the answer after it run on other threads: the caller's trace context
      // (made current by HttpApi from its traceparent) goes with them, so fathom.question stays
      // a child of the caller's span (QuestionClock.start() reads Context.current()).
      Context trace = Context.current();
      return onSuccess(
          CompletableFuture.supplyAsync(
              trace.wrapSupplier(
                  () ->
                      ChatHistory.rewrite(
                          r.messages(), s.rewriter(), caller, req.question().scope())),
              blocking),
          rw -> {
            try (Scope scope = trace.makeCurrent()) {
              return answer(
                  r,
                  choice,
                  new QuestionIntake.Accepted(
                      req.question().withSearchQuery(rw.query()), req.sessionId(), req.stream()));
            }
          });
    }
    return answer(r, choice, req);
  }

  private Route answer(ChatRequest r, ServedModels.Choice choice, QuestionIntake.Accepted req) {
    Question q = req.question();
    long created = System.currentTimeMillis() / 1000;
    QuestionClock start = QuestionClock.start();
    String id = q.requestId();
    if (r.stream()) {
      LiveEvents events = LiveEvents.open(questions.system());
      events.send(ChatCompletions.opening(id, created, choice.id()));
      // A model's text streams as it is written; an extractive answer is composed at once and
      // sent whole, cut to the request's limits, when it is ready.
      boolean live = !choice.extractive();
      TokenListener pieces =
          live
              ? piece -> events.send(ChatCompletions.piece(id, created, choice.id(), piece))
              : TokenListener.NONE;
      questions
          .ask(q, r.answerRequest(choice.extractive(), pieces))
          .thenApply(result -> observed(start, result))
          .whenComplete(
              (result, e) ->
                  events.finish(
                      result instanceof QuestionResult.Answered a
                          ? ChatCompletions.closing(
                              id,
                              created,
                              ChatCompletions.Reply.of(r, choice.id(), a),
                              live,
                              r.includeUsage())
                          : ChatCompletions.failure(
                              result instanceof QuestionResult.Failed f
                                  ? f.reason()
                                  : String.valueOf(e))));
      return complete(
          HttpResponse.create()
              .withStatus(StatusCodes.OK)
              .withEntity(events.entity(keepAlive, ChatCompletions.KEEP_ALIVE)));
    }
    return onSuccess(
        questions
            .ask(q, r.answerRequest(choice.extractive(), TokenListener.NONE))
            .thenApply(result -> observed(start, result)),
        result ->
            switch (result) {
              case QuestionResult.Failed f -> error(OpenAiError.unavailable(f.reason()));
              case QuestionResult.Answered a ->
                  json(
                      200,
                      ChatCompletions.completion(
                          id, created, ChatCompletions.Reply.of(r, choice.id(), a)));
            });
  }

  private QuestionResult observed(QuestionClock start, QuestionResult r) {
    if (metrics != null) metrics.question("http", start, r);
    return r;
  }

  private static Route json(int status, Map<String, Object> body) {
    try {
      return complete(
          StatusCodes.get(status),
          HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
