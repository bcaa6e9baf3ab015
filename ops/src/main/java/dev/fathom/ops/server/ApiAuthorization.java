package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import dev.fathom.retrieval.access.Principal;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who is calling the HTTP API: the principal of the API key a request presents as {@code
 * Authorization: Bearer KEY} or {@code X-API-Key: KEY}, or {@link Principal#anonymous()} when the
 * server has no keys; 401 otherwise, in OpenAI's error shape on the OpenAI routes.
 */
final class ApiAuthorization {

  private final ApiKeys keys;

  ApiAuthorization(ApiKeys keys) {
    this.keys = java.util.Objects.requireNonNull(keys, "keys");
  }

  /** Lets the request through to {@code inner}, as its caller, or answers 401. */
  Route authorized(Function<Principal, Route> inner) {
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
                RawHeader.create("WWW-Authenticate", "Bearer"),
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
              RawHeader.create("WWW-Authenticate", "Bearer"),
              () ->
                  json(
                      StatusCodes.UNAUTHORIZED,
                      Map.of(
                          "error",
                          "an API key is required: send Authorization: Bearer KEY or X-API-Key:"
                              + " KEY")));
        });
  }
}
