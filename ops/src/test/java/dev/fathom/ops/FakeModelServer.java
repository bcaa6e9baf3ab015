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
