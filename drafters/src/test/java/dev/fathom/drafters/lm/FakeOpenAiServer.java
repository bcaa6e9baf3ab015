package dev.fathom.drafters.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible server on the JDK's {@link HttpServer} that records the last request and
 * answers with whatever the test's {@link Reply} writes.
 */
final class FakeOpenAiServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes the response to one request. */
  @FunctionalInterface
  interface Reply {
    void write(HttpExchange exchange) throws Exception;
  }

  private final HttpServer server;
  private volatile Reply reply = x -> json(x, 500, "{\"error\":\"no reply set\"}");
  volatile String path;
  volatile JsonNode request;
  volatile String authorization;

  FakeOpenAiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        x -> {
          try (x) {
            path = x.getRequestURI().getPath();
            authorization = x.getRequestHeaders().getFirst("Authorization");
            request = JSON.readTree(x.getRequestBody().readAllBytes());
            reply.write(x);
          } catch (Exception e) {
            // The client may have gone away (a local stop string, a timeout): that is the test.
          }
        });
    server.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void reply(Reply r) {
    this.reply = r;
  }

  static void json(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
  }

  /** Starts an event stream; the caller writes events with {@link #event}. */
  static OutputStream events(HttpExchange x) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.sendResponseHeaders(200, 0);
    return x.getResponseBody();
  }

  static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A chat chunk whose delta carries {@code content}. */
  static String delta(String content) throws IOException {
    return "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
        + JSON.writeValueAsString(content)
        + "},\"finish_reason\":null}]}";
  }

  static String finish(String reason) {
    return "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},"
        + "\"finish_reason\":\""
        + reason
        + "\"}]}";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
