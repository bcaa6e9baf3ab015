package dev.fathom.drafters.lm;

import static dev.fathom.drafters.lm.FakeOpenAiServer.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.tokenizer.ChatMessage;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries against a fake OpenAI-compatible server: what is tried again, and what is not. */
class RetryingLanguageModelTest {

  private static final List<ChatMessage> CHAT = List.of(ChatMessage.user("Hello?"));
  private static final RetryPolicy FAST =
      new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(80));
  private static final String OK =
      "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi.\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}";

  private FakeOpenAiServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = new FakeOpenAiServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static RetryingLanguageModel model(URI base, Duration timeout) {
    return new RetryingLanguageModel(
        new OpenAiCompatibleModel(new OpenAiSettings(base, "m", null, timeout, 2048)), FAST);
  }

  @Test
  void tooManyRequestsThenSuccessAnswersAfterTheSecondTry() {
    server.reply(
        x -> {
          if (requests.incrementAndGet() == 1) {
            json(x, 429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}");
          } else {
            json(x, 200, OK);
          }
        });
    try (var m = model(server.base(), Duration.ofSeconds(5))) {
      Generation g = m.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE);
      assertEquals("Hi.", g.text());
      assertEquals(2, requests.get());
    }
  }

  @Test
  void retryAfterIsHonouredUpToTheLargestBackoff() {
    long[] at = new long[2];
    server.reply(
        x -> {
          int n = requests.incrementAndGet();
          at[n - 1] = System.nanoTime();
          if (n == 1) {
            x.getResponseHeaders().set("Retry-After", "1");
            json(x, 429, "{\"error\":{\"message\":\"slow down\"}}");
          } else {
            json(x, 200, OK);
          }
        });
    var policy = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(5));
    try (var m =
        new RetryingLanguageModel(
            new OpenAiCompatibleModel(
                new OpenAiSettings(server.base(), "m", null, Duration.ofSeconds(5), 2048)),
            policy)) {
      assertEquals("Hi.", m.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE).text());
      long waitedMs = (at[1] - at[0]) / 1_000_000;
      assertTrue(waitedMs >= 950, "waited " + waitedMs + " ms, not the server's 1 s");
    }
  }

  @Test
  void serverErrorsUntilTheTriesRunOutGiveOneLineNamingStatusAndTries() {
    server.reply(
        x -> {
          requests.incrementAndGet();
          json(x, 500, "{\"error\":{\"message\":\"model crashed\",\"type\":\"server_error\"}}");
        });
    try (var m = model(server.base(), Duration.ofSeconds(5))) {
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> m.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE));
      assertEquals(3, requests.get());
      assertEquals(500, e.status());
      assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
      assertTrue(e.getMessage().contains("model crashed"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(tried 3 times)"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void aBadRequestIsNotRetried() {
    server.reply(
        x -> {
          requests.incrementAndGet();
          json(x, 400, "{\"error\":{\"message\":\"bad field\"}}");
        });
    try (var m = model(server.base(), Duration.ofSeconds(5))) {
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> m.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE));
      assertEquals(1, requests.get());
      assertFalse(e.getMessage().contains("tried"), e.getMessage());
    }
  }

  @Test
  void aServerThatSendsNothingTimesOutOnceWithoutRetrying() {
    server.reply(
        x -> {
          requests.incrementAndGet();
          Thread.sleep(3000);
        });
    try (var m = model(server.base(), Duration.ofMillis(300))) {
      long start = System.nanoTime();
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> m.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE));
      assertTrue(e.getMessage().contains("timeout"), e.getMessage());
      assertEquals(1, requests.get());
      assertTrue(System.nanoTime() - start < 2_500_000_000L, "waited for the server");
    }
  }

  @Test
  void aRefusedConnectionSaysTheServerIsDown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (var m = model(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(2))) {
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> m.chat(CHAT, GenerationSettings.GREEDY, TokenListener.NONE));
      assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
      assertTrue(e.getMessage().contains("is the server running"), e.getMessage());
      assertFalse(e.getMessage().contains("tried"), e.getMessage());
    }
  }

  @Test
  void aStreamThatBrokeAfterTextIsNotRetriedSoNothingIsRepeated() {
    server.reply(
        x -> {
          requests.incrementAndGet();
          OutputStream out = events(x);
          event(out, delta("Once upon"));
          event(out, "{\"error\":{\"message\":\"overloaded\",\"code\":503}}");
        });
    List<String> heard = new ArrayList<>();
    try (var m = model(server.base(), Duration.ofSeconds(5))) {
      assertThrows(
          OpenAiException.class, () -> m.chat(CHAT, GenerationSettings.GREEDY, heard::add));
      assertEquals(1, requests.get());
      assertEquals("Once upon", String.join("", heard));
    }
  }

  @Test
  void policiesOutsideTheirRangeAreRefusedNamingTheRange() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(2)));
    assertTrue(e.getMessage().contains("1..10"), e.getMessage());
  }
}
