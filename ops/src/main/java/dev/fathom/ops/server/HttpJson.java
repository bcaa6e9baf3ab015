package dev.fathom.ops.server;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.intake.StrictJson;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * JSON in and out of Fathom's own HTTP routes: a JSON response, a server-sent event carrying JSON,
 * and the raw body of a JSON request. (The OpenAI routes answer errors in OpenAI's shape instead,
 * see {@link OpenAiRoutes}.)
 */
final class HttpJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HttpJson() {}

  /** Completes with {@code status} and {@code body} as {@code application/json}. */
  static Route json(StatusCode status, Map<String, Object> body) {
    return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes(body)));
  }

  /** One server-sent event: {@code event: name} and the JSON of {@code data}. */
  static String sse(String event, Object data) {
    try {
      return "event: " + event + "\ndata: " + MAPPER.writeValueAsString(data) + "\n\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** {@code value} as JSON bytes. */
  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * The body of a POST, as raw bytes, when it is {@code application/json} (415 otherwise); {@code
   * inner} receives the bytes and decodes them strictly (see {@link StrictJson}), with the caller's
   * W3C trace context current (a question's parent).
   */
  static Route body(ServeMetrics metrics, Function<byte[], Route> inner) {
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
          return entity(
              Unmarshaller.entityToByteArray(),
              metrics.observability().traces().withCallerContext(request, inner));
        });
  }
}
