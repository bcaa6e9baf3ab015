package dev.fathom.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible model server on the JDK's {@link HttpServer}, standing in for Ollama, vLLM
 * or llama.cpp's server: it records each request body and answers with what the test's {@link
 * Reply} writes.
 */
public final class FakeModelServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes the response to the {@code n}th request (1-based). */
  @FunctionalInterface
  public interface Reply {
    void write(HttpExchange exchange, int n) throws Exception;
  }

  private final HttpServer server;
  private volatile Reply reply;
  public final List<JsonNode> requests = new CopyOnWriteArrayList<>();

  public FakeModelServer(Reply reply) throws IOException {
    this.reply = reply;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        x -> {
          try (x) {
            requests.add(JSON.readTree(x.getRequestBody().readAllBytes()));
            this.reply.write(x, requests.size());
          } catch (Exception e) {
            // The client went away (a timeout): that is what the test looks at.
          }
        });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** A whole (not streamed) chat completion with {@code text}; streamed when the client asks. */
  public static void answer(HttpExchange x, String text) throws IOException {
    String body =
        "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":"
            + JSON.writeValueAsString(text)
            + "},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,\"total_tokens\":49}}";
    json(x, 200, body);
  }

  /**
   * A chat completion of {@code text} as an OpenAI server writes it for {@code request}: streamed
   * (word by word, then a usage chunk) when it asks to stream, whole otherwise; cut after {@code
   * max_tokens} words with finish reason {@code length}. Usage: 40 prompt tokens, one per word.
   */
  public static void reply(HttpExchange x, JsonNode request, String text) throws IOException {
    String[] words = text.split("(?<= )");
    int max = request.path("max_tokens").asInt(Integer.MAX_VALUE);
    int n = Math.min(words.length, max);
    String finish = n < words.length ? "length" : "stop";
    String usage =
        "{\"prompt_tokens\":40,\"completion_tokens\":" + n + ",\"total_tokens\":" + (40 + n) + "}";
    if (!request.path("stream").asBoolean()) {
      String said = String.join("", java.util.Arrays.copyOf(words, n));
      json(
          x,
          200,
          "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{"
              + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
              + JSON.writeValueAsString(said)
              + "},\"finish_reason\":\""
              + finish
              + "\"}],\"usage\":"
              + usage
              + "}");
      return;
    }
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.sendResponseHeaders(200, 0);
    var out = x.getResponseBody();
    for (int i = 0; i < n; i++) {
      event(
          out,
          "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{"
              + "\"content\":"
              + JSON.writeValueAsString(words[i])
              + "},\"finish_reason\":null}]}");
    }
    event(
        out,
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},"
            + "\"finish_reason\":\""
            + finish
            + "\"}]}");
    event(out, "{\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":" + usage + "}");
    event(out, "[DONE]");
  }

  private static void event(java.io.OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The last request received. */
  public JsonNode last() {
    return requests.getLast();
  }

  public static void json(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
