package dev.fathom.drafters.lm;

import static dev.fathom.drafters.lm.FakeOpenAiServer.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.tokenizer.ChatMessage;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each way a server can fail, and what the caller is told. */
class OpenAiCompatibleModelFailureTest {

  private static final List<ChatMessage> CHAT = List.of(ChatMessage.user("Hello?"));

  private FakeOpenAiServer server;
  private OpenAiCompatibleModel model;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOpenAiServer();
    model = model(server.base(), "sk-wrong", Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    model.close();
    server.close();
  }

  private static OpenAiCompatibleModel model(URI base, String key, Duration timeout) {
    return new OpenAiCompatibleModel(new OpenAiSettings(base, "m", key, timeout, 2048));
  }

  private OpenAiException chatFails(TokenListener listener) {
    return assertThrows(
        OpenAiException.class, () -> model.chat(CHAT, GenerationSettings.GREEDY, listener));
  }

  @Test
  void aServerThatIsNotRunningIsNamedWithAHint() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (OpenAiCompatibleModel m =
        model(URI.create("http://127.0.0.1:" + port), null, Duration.ofSeconds(5))) {
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> m.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE));
      assertTrue(
          e.getMessage().contains("http://127.0.0.1:" + port + "/v1/chat/completions"),
          e.getMessage());
      assertTrue(e.getMessage().contains("is the server running"), e.getMessage());
      assertEquals(0, e.status());
    }
  }

  @Test
  void aRejectedKeySaysSo() {
    server.reply(
        x ->
            json(
                x,
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}"));
    OpenAiException e = chatFails(TokenListener.NONE);
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("rejected the API key"), e.getMessage());
    assertTrue(e.getMessage().contains("Incorrect API key provided"), e.getMessage());
  }

  @Test
  void otherErrorStatusesCarryTheServersMessage() {
    server.reply(
        x ->
            json(
                x,
                400,
                "{\"object\":\"error\",\"message\":\"max_tokens is too large\",\"code\":400}"));
    OpenAiException vllm = chatFails(TokenListener.NONE);
    assertEquals(400, vllm.status());
    assertTrue(vllm.getMessage().startsWith("HTTP 400 from http://127.0.0.1:"), vllm.getMessage());
    assertTrue(vllm.getMessage().endsWith("max_tokens is too large"), vllm.getMessage());

    server.reply(
        x -> {
          byte[] b = "model 'm' not found".getBytes();
          x.sendResponseHeaders(404, b.length);
          x.getResponseBody().write(b);
        });
    OpenAiException plain = chatFails(t -> {});
    assertEquals(404, plain.status());
    assertTrue(plain.getMessage().contains("'model 'm' not found'"), plain.getMessage());

    server.reply(x -> json(x, 503, "{\"error\":\"loading model\"}"));
    assertTrue(chatFails(TokenListener.NONE).getMessage().contains("HTTP 503"));
  }

  @Test
  void aDataLineThatIsNotJsonIsShownAndTheTextBeforeItKept() {
    server.reply(
        x -> {
          OutputStream out = events(x);
          event(out, delta("Half an "));
          event(out, "{\"choices\": [oops");
        });
    StringBuilder heard = new StringBuilder();
    OpenAiException e = chatFails(heard::append);
    assertTrue(e.getMessage().contains("not JSON: '{\"choices\": [oops'"), e.getMessage());
    assertEquals("Half an ", e.partialText());
    assertEquals("Half an ", heard.toString());
  }

  @Test
  void aReplyThatIsNotJsonIsShown() {
    server.reply(x -> json(x, 200, "<html>proxy login</html>"));
    OpenAiException e = chatFails(TokenListener.NONE);
    assertTrue(e.getMessage().contains("<html>proxy login</html>"), e.getMessage());
  }

  @Test
  void aStreamThatEndsBeforeFinishingIsAnErrorWithThePartialText() {
    server.reply(
        x -> {
          OutputStream out = events(x);
          event(out, delta("The tower "));
          event(out, delta("is 330"));
        });
    StringBuilder heard = new StringBuilder();
    OpenAiException e = chatFails(heard::append);
    assertTrue(e.getMessage().contains("closed mid-stream"), e.getMessage());
    assertEquals("The tower is 330", e.partialText());
    assertEquals("The tower is 330", heard.toString());
  }

  @Test
  void aConnectionCutMidStreamKeepsThePartialText() {
    server.reply(
        x -> {
          x.getResponseHeaders().set("Content-Type", "text/event-stream");
          x.sendResponseHeaders(200, 100_000); // promises far more than it sends
          OutputStream out = x.getResponseBody();
          event(out, delta("cut "));
          event(out, delta("here"));
          Thread.sleep(100);
          x.getHttpContext().getServer().stop(0); // drops the connection
        });
    OpenAiException e = chatFails(t -> {});
    assertEquals("cut here", e.partialText());
    assertTrue(
        e.getMessage().contains("broke mid-reply") || e.getMessage().contains("closed mid-stream"),
        e.getMessage());
  }

  @Test
  void anErrorReportedInTheStreamIsRaised() {
    server.reply(
        x -> {
          OutputStream out = events(x);
          event(out, delta("So"));
          out.write("error: {\"code\":500,\"message\":\"KV cache is full\"}\n\n".getBytes());
        });
    OpenAiException e = chatFails(t -> {});
    assertTrue(e.getMessage().contains("KV cache is full"), e.getMessage());
    assertEquals("So", e.partialText());

    server.reply(x -> event(events(x), "{\"error\":{\"message\":\"engine dead\"}}"));
    assertTrue(chatFails(t -> {}).getMessage().contains("engine dead"));
  }

  @Test
  void aServerThatStallsMidStreamTimesOut() {
    server.reply(
        x -> {
          OutputStream out = events(x);
          event(out, delta("slow"));
          Thread.sleep(5_000);
        });
    try (OpenAiCompatibleModel impatient = model(server.base(), null, Duration.ofMillis(400))) {
      long t0 = System.nanoTime();
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> impatient.chat(CHAT, GenerationSettings.GREEDY, t -> {}));
      assertTrue(e.getMessage().contains("sent nothing for PT0.4S"), e.getMessage());
      assertEquals("slow", e.partialText());
      assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "the timeout was not honoured");
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOut() {
    server.reply(x -> Thread.sleep(5_000));
    try (OpenAiCompatibleModel impatient = model(server.base(), null, Duration.ofMillis(300))) {
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> impatient.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE));
      assertTrue(e.getMessage().contains("no response from"), e.getMessage());
    }
  }
}
