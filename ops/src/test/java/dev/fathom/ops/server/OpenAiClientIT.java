package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.OpenAiCompatibleModel;
import dev.fathom.drafters.lm.OpenAiException;
import dev.fathom.drafters.lm.OpenAiSettings;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.ops.config.FathomConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fathom's OpenAI client against Fathom's own OpenAI-compatible endpoint: a real {@code serve}
 * (embedded broker, embedding model, Lucene index) with one document added over HTTP, asked through
 * {@link OpenAiCompatibleModel} plainly and streaming.
 */
class OpenAiClientIT {

  private static final String API_KEY = "openai-it-key";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<ChatMessage> QUESTION =
      List.of(ChatMessage.system("Be brief."), ChatMessage.user("How tall is the Eiffel Tower?"));

  @TempDir static Path tmp;
  static FathomServer server;
  static URI base;

  @BeforeAll
  static void startServerWithOneDocument() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    KafkaSettings kafka =
        new KafkaSettings("", 0, "fathom-openai-it", defaults.topics(), 1, 8, 64 * 1024);
    server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, API_KEY),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    base = URI.create("http://127.0.0.1:" + server.httpPort());
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> added =
        http.send(
            authorized(base.resolve("/v1/documents"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"id":"doc-eiffel","title":"The Eiffel Tower","text":"The Eiffel Tower \
                        was built for the 1889 World's Fair in Paris. The tower is 330 metres \
                        tall. Gustave Eiffel's engineering company designed and built it."}"""))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, added.statusCode(), added.body());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<String> r =
          http.send(
              authorized(base.resolve("/v1/search?q=Eiffel+tower+tall&mode=bm25&k=3"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().contains("doc-eiffel")) break;
      assertTrue(System.nanoTime() < deadline, "doc-eiffel never became searchable: " + r.body());
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static HttpRequest.Builder authorized(URI uri) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + API_KEY);
  }

  private static OpenAiCompatibleModel client(String key) {
    return new OpenAiCompatibleModel(
        new OpenAiSettings(base, "fathom", key, Duration.ofSeconds(30), 8192));
  }

  @Test
  void aPlainAndAStreamedChatReturnTheSameCitedAnswer() {
    try (OpenAiCompatibleModel fathom = client(API_KEY)) {
      Generation plain = fathom.chat(QUESTION, GenerationSettings.GREEDY, TokenListener.NONE);
      assertTrue(plain.text().contains("330 metres") && plain.text().contains("[1]"), plain.text());
      assertTrue(
          plain.text().contains("Sources:\n[1] The Eiffel Tower (doc-eiffel)"), plain.text());
      assertEquals(Generation.StopReason.EOS, plain.stopReason());
      assertEquals("stop", fathom.lastReply().finishReason());

      List<String> pieces = new ArrayList<>();
      Generation streamed = fathom.chat(QUESTION, GenerationSettings.GREEDY, pieces::add);
      assertTrue(pieces.size() > 1, "one piece per sentence was expected: " + pieces);
      assertEquals(String.join("", pieces), streamed.text());
      assertEquals(plain.text(), streamed.text());
      assertEquals(Generation.StopReason.EOS, streamed.stopReason());
    }
  }

  @Test
  void aWrongApiKeyIsReportedAsRejected() {
    try (OpenAiCompatibleModel wrong = client("not-the-key")) {
      OpenAiException e =
          assertThrows(
              OpenAiException.class,
              () -> wrong.chat(QUESTION, GenerationSettings.GREEDY, TokenListener.NONE));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().contains("rejected the API key"), e.getMessage());
    }
  }
}
