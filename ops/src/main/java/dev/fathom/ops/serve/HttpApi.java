package dev.fathom.ops.serve;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.retrieval.SearchMode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
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
 *   <li>{@code GET /healthz}: 200 while the process runs
 *   <li>{@code GET /readyz}: 200 once the index is open and the question consumer has partitions,
 *       503 before
 * </ul>
 */
final class HttpApi {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final QuestionService questions;
  private final SearchMode defaultMode;
  private final int defaultK;
  private final int maxQuestionChars;
  private final BooleanSupplier ready;

  HttpApi(
      QuestionService questions,
      SearchMode defaultMode,
      int defaultK,
      int maxQuestionChars,
      BooleanSupplier ready) {
    this.questions = questions;
    this.defaultMode = defaultMode;
    this.defaultK = defaultK;
    this.maxQuestionChars = maxQuestionChars;
    this.ready = ready;
  }

  /** Binds to {@code 127.0.0.1:port} (0 = any free port) on the pipeline's actor system. */
  ServerBinding bind(int port) {
    try {
      return Http.get(questions.system())
          .newServerAt("127.0.0.1", port)
          .bind(routes())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot listen for HTTP on 127.0.0.1:" + port + ": " + e.getMessage(), e);
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
            PathMatchers.segment("v1").slash("ask"),
            () -> post(() -> entity(Unmarshaller.entityToString(), this::ask))));
  }

  private Route ask(String body) {
    Question q;
    String sessionId;
    try {
      JsonNode j = MAPPER.readTree(body);
      if (j == null || !j.isObject())
        throw new IllegalArgumentException("the body is not a JSON object");
      JsonNode text = j.get("question");
      if (text == null || !text.isTextual()) {
        throw new IllegalArgumentException("field \"question\" is missing or not a string");
      }
      if (text.asText().length() > maxQuestionChars) {
        throw new IllegalArgumentException(
            "the question has "
                + text.asText().length()
                + " characters, more than "
                + maxQuestionChars);
      }
      sessionId = j.hasNonNull("sessionId") ? j.get("sessionId").asText() : "http";
      q =
          new Question(
              UUID.randomUUID().toString(),
              text.asText(),
              j.hasNonNull("mode") ? SearchMode.parse(j.get("mode").asText()) : defaultMode,
              j.hasNonNull("k") ? j.get("k").asInt() : defaultK);
    } catch (JsonProcessingException e) {
      return json(
          StatusCodes.BAD_REQUEST,
          Map.of("error", "the body is not JSON: " + e.getOriginalMessage()));
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    Inbound.QuestionMessage m =
        new Inbound.QuestionMessage(q.requestId(), sessionId, q.text(), null, null);
    CompletionStage<QuestionResult> result = questions.ask(q);
    return onSuccess(
        result,
        r ->
            json(
                r instanceof QuestionResult.Answered
                    ? StatusCodes.OK
                    : StatusCodes.SERVICE_UNAVAILABLE,
                Outbound.answer(m, r)));
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
