package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.handbook.BehaviorJson;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.trace.Feedback;
import dev.fathom.behaviors.trace.TraceJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The behavior handbook over HTTP (docs/serve.md), under {@code /v1}: {@code GET /v1/behaviors}
 * (the handbook file format), {@code GET|DELETE /v1/behaviors/NAME}, {@code POST /v1/behaviors}
 * (one behavior; merged like a mined one), and {@code POST /v1/answers/REQUEST_ID/feedback}.
 * Changes go to this node's handbook and to {@code fathom.behaviors}, so every node sees them;
 * feedback goes to {@code fathom.feedback} for the curator.
 */
final class BehaviorRoutes {

  /** Largest body accepted: a behavior or a feedback is a few lines. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Handbook handbook;
  private final BehaviorPublisher publisher;
  private final Executor blocking;

  BehaviorRoutes(Handbook handbook, BehaviorPublisher publisher, Executor blocking) {
    this.handbook = handbook;
    this.publisher = publisher;
    this.blocking = blocking;
  }

  Route routes() {
    return concat(
        path(
            PathMatchers.segment("behaviors"),
            () ->
                concat(
                    get(() -> blocking(() -> ok(BehaviorJson.writeFile(handbook.list())))),
                    post(() -> body(this::add)))),
        path(
            PathMatchers.segment("behaviors").slash(PathMatchers.segment()),
            name ->
                concat(
                    get(
                        () ->
                            blocking(
                                () ->
                                    handbook
                                        .get(name)
                                        .map(b -> ok(BehaviorJson.write(b)))
                                        .orElseGet(() -> notFound(name)))),
                    delete(() -> remove(name)))),
        path(
            PathMatchers.segment("answers").slash(PathMatchers.segment()).slash("feedback"),
            id -> post(() -> body(b -> feedback(id, b)))));
  }

  private Route add(String body) {
    Behavior candidate;
    try {
      candidate = BehaviorJson.read(body);
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    CompletionStage<Route> done =
        CompletableFuture.supplyAsync(() -> handbook.add(candidate), blocking)
            .thenCompose(
                change ->
                    publisher
                        .publish(change.stored())
                        .thenApply(v -> changed(change))
                        .exceptionally(e -> unpublished(e)));
    return onSuccess(done, r -> r);
  }

  private Route remove(String name) {
    CompletionStage<Route> done =
        CompletableFuture.supplyAsync(() -> handbook.remove(name), blocking)
            .thenCompose(
                removed ->
                    !removed
                        ? CompletableFuture.completedFuture(notFound(name))
                        : publisher
                            .remove(name)
                            .thenApply(v -> json(StatusCodes.OK, Map.of("removed", name)))
                            .exceptionally(e -> unpublished(e)));
    return onSuccess(done, r -> r);
  }

  private Route feedback(String requestId, String body) {
    Feedback f;
    try {
      f = TraceJson.readFeedback(body);
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    return onSuccess(
        publisher
            .feedback(requestId, f)
            .thenApply(
                v ->
                    json(
                        StatusCodes.ACCEPTED, Map.of("requestId", requestId, "status", "accepted")))
            .exceptionally(e -> unpublished(e)),
        r -> r);
  }

  private static Route changed(Handbook.Change c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", c.outcome().name().toLowerCase(java.util.Locale.ROOT));
    try {
      m.put("behavior", MAPPER.readTree(BehaviorJson.write(c.stored())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read back a behavior's JSON", e);
    }
    return json(StatusCodes.OK, m);
  }

  private static Route unpublished(Throwable e) {
    return error(StatusCodes.SERVICE_UNAVAILABLE, "not written to Kafka: " + e);
  }

  /** The body as UTF-8 text, at most {@value #MAX_BODY_BYTES} bytes (413 otherwise). */
  private Route body(Function<String, Route> inner) {
    return entity(
        Unmarshaller.entityToByteArray(),
        bytes ->
            bytes.length > MAX_BODY_BYTES
                ? error(
                    StatusCodes.PAYLOAD_TOO_LARGE,
                    "the body is " + bytes.length + " bytes; the limit is " + MAX_BODY_BYTES)
                : inner.apply(new String(bytes, StandardCharsets.UTF_8)));
  }

  private Route blocking(java.util.function.Supplier<Route> work) {
    return onSuccess(CompletableFuture.supplyAsync(work, blocking), r -> r);
  }

  private static Route ok(String json) {
    return complete(
        StatusCodes.OK,
        HttpEntities.create(ContentTypes.APPLICATION_JSON, json.getBytes(StandardCharsets.UTF_8)));
  }

  private static Route notFound(String name) {
    return error(StatusCodes.NOT_FOUND, "no behavior named " + name);
  }

  private static Route error(StatusCode status, String message) {
    return json(status, Map.of("error", message));
  }
}
