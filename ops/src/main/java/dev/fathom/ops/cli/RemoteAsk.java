package dev.fathom.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code fathom ask --server URL}: the question goes to {@code POST /v1/ask} of a running {@code
 * fathom serve}, and the answer is printed exactly as a local {@code fathom ask} prints it.
 */
final class RemoteAsk {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  // Longer than the server's own question timeout (fathom.actors.question-timeout, 30 s), so the
  // server's answer (or its error) arrives before the client gives up.
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI endpoint;
  private final String server;
  private final String apiKey; // null or blank: none sent
  private String collection; // null: the server's default
  private java.util.List<String> filters = java.util.List.of();

  RemoteAsk(String server, String apiKey) {
    String base = server.strip().replaceAll("/+$", "");
    try {
      URI u = new URI(base);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new URISyntaxException(server, "not an http:// or https:// URL");
      }
      this.endpoint = new URI(base + "/v1/ask");
    } catch (URISyntaxException e) {
      throw new ErrorHandler.UserError(
          "--server must be a URL like http://127.0.0.1:8080, got " + server);
    }
    this.server = base;
    this.apiKey = apiKey;
  }

  /**
   * Sends {@code collection} (null: none) and the {@code --filter} expressions with the question.
   */
  RemoteAsk scope(String collection, java.util.List<String> filters) {
    this.collection = collection;
    this.filters = java.util.List.copyOf(filters);
    return this;
  }

  /** Asks and prints; a failure is a one-line {@link ErrorHandler.UserError}. */
  void ask(String question, String mode, Integer k, boolean json, PrintStream out)
      throws InterruptedException {
    ask(question, mode, k, null, json, out);
  }

  /** Like {@link #ask(String, String, Integer, boolean, PrintStream)}, naming a ranker. */
  void ask(String question, String mode, Integer k, String rerank, boolean json, PrintStream out)
      throws InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("question", question);
    body.put("sessionId", "cli");
    if (mode != null) body.put("mode", mode);
    if (k != null) body.put("k", k);
    if (rerank != null) body.put("rerank", rerank);
    if (collection != null) body.put("collection", collection);
    if (!filters.isEmpty()) body.put("filter", filters);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey.strip());
    }
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()) {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ErrorHandler.UserError(
          "cannot reach the Fathom server at " + server + ": connection refused or timed out");
    } catch (HttpTimeoutException e) {
      throw new ErrorHandler.UserError(
          "the Fathom server at " + server + " did not answer within " + REQUEST_TIMEOUT);
    } catch (IOException e) {
      throw new ErrorHandler.UserError(
          "cannot reach the Fathom server at " + server + ": " + e.getMessage());
    }
    JsonNode answer;
    try {
      answer = MAPPER.readTree(response.body());
    } catch (IOException e) {
      answer = null;
    }
    if (response.statusCode() == 401) {
      throw new ErrorHandler.UserError(
          "the Fathom server at "
              + server
              + " needs an API key: pass --api-key or set FATHOM_API_KEY");
    }
    if (response.statusCode() != 200 || answer == null || !answer.isObject()) {
      throw new ErrorHandler.UserError(
          "the question could not be answered: " + reason(response.statusCode(), answer));
    }
    print(answer, json, out);
  }

  private static String reason(int status, JsonNode body) {
    if (body != null && body.path("error").isTextual()) return body.get("error").asText();
    if (body != null && body.path("error").has("reason")) {
      return body.get("error").get("reason").asText();
    }
    return "HTTP status " + status;
  }

  /** The output of a local {@code fathom ask}: the same text, or the same JSON fields. */
  private static void print(JsonNode answer, boolean json, PrintStream out) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String field : new String[] {"question", "answer", "citations", "timings_ms"}) {
        m.put(field, answer.get(field));
      }
      out.println(Json.write(m));
      return;
    }
    out.println(answer.path("answer").asText());
    JsonNode citations = answer.path("citations");
    if (citations.isArray() && !citations.isEmpty()) {
      out.println();
      out.println("Sources:");
      for (JsonNode c : citations) {
        out.println(
            "["
                + c.path("n").asInt()
                + "] "
                + Sources.display(c.path("source").asText())
                + " \u2014 "
                + c.path("title").asText());
      }
    }
  }
}
