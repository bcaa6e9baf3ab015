package dev.fathom.ops.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failed OpenAI-API request, as OpenAI reports one: an HTTP status and the body {@code
 * {"error":{"message","type","param","code"}}}, so that OpenAI client libraries raise their own
 * typed exceptions (bad request, authentication, not found, rate limit, server error) with Fathom's
 * message in them.
 *
 * @param status the HTTP status
 * @param message what is wrong and, where it helps, the legal values
 * @param type {@code invalid_request_error}, {@code authentication_error} or {@code server_error}
 * @param param the request field at fault, or null
 * @param code a machine-readable code such as {@code model_not_found}, or null
 */
record OpenAiError(int status, String message, String type, String param, String code) {

  /** 400: the request field {@code param} is wrong (null when no single field is). */
  static OpenAiError invalid(String param, String message) {
    return new OpenAiError(400, message, "invalid_request_error", param, null);
  }

  /** 404 {@code model_not_found}, with the ids this server answers with. */
  static OpenAiError modelNotFound(String model, Iterable<String> served) {
    return new OpenAiError(
        404,
        "The model '"
            + model
            + "' does not exist on this server; it answers with "
            + String.join(", ", served)
            + " (GET /v1/models)",
        "invalid_request_error",
        "model",
        "model_not_found");
  }

  /** 503: the pipeline could not answer (timeout, a model server that is down). */
  static OpenAiError unavailable(String message) {
    return new OpenAiError(503, message, "server_error", null, null);
  }

  /** The response body. */
  Map<String, Object> body() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    return body;
  }

  /** Thrown while reading a request; the route answers with {@link #error()}. */
  static final class Failure extends RuntimeException {
    private final OpenAiError error;

    Failure(OpenAiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }

    OpenAiError error() {
      return error;
    }
  }

  Failure failure() {
    return new Failure(this);
  }
}
