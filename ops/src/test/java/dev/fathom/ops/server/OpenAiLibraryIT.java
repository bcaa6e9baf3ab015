package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.ops.FakeModelServer;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.config.LlmConfig;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiModelCatalog;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real OpenAI client library (langchain4j's {@code langchain4j-open-ai}) against a real {@code
 * fathom serve}: embedded Kafka, the ONNX embedding model, a Lucene index with one document added
 * over HTTP, answers written by a model on an OpenAI-compatible server ({@code --llm}; a fake one
 * that speaks the wire format and records what it was asked). The library's own types must come
 * back: usage, finish reasons, its exceptions for 400, 401 and 404.
 */
class OpenAiLibraryIT {

  private static final String API_KEY = "openai-library-it-key";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SAID = "The tower is 330 metres tall [1].";

  @TempDir static Path tmp;
  static FakeModelServer llm;
  static AnswerStage stage;
  static FathomServer server;
  static String base;

  @BeforeAll
  static void serveWithAModelServer() throws Exception {
    llm = new FakeModelServer((x, n) -> FakeModelServer.reply(x, llmLast(), SAID));
    // Without the behavior handbook: its curator would call the model server after each answer,
    // and these tests look at the requests the answers made.
    FathomConfig config =
        FathomConfig.from(
                com.typesafe.config.ConfigFactory.parseString("fathom.behaviors.enabled = false")
                    .withFallback(com.typesafe.config.ConfigFactory.load()))
            .withDataDir(tmp.resolve("data"));
    stage =
        AnswerStage.remote(
            LlmConfig.from(config.raw()).withUrl(llm.url()).open(), GenerationSettings.GREEDY);
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    KafkaSettings kafka =
        new KafkaSettings("", 0, "fathom-openai-lib-it", defaults.topics(), 1, 8, 64 * 1024);
    server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, API_KEY),
            stage,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    base = "http://127.0.0.1:" + server.httpPort() + "/v1";
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> added =
        http.send(
            authorized(URI.create(base + "/documents"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"id":"doc-eiffel","title":"The Eiffel Tower","text":"The Eiffel Tower \
                        was built for the 1889 World's Fair in Paris. The tower is 330 metres \
                        tall."}"""))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, added.statusCode(), added.body());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<String> r =
          http.send(
              authorized(URI.create(base + "/search?q=Eiffel+tower+tall&mode=bm25&k=3"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().contains("doc-eiffel")) break;
      assertTrue(System.nanoTime() < deadline, "doc-eiffel never became searchable: " + r.body());
      Thread.sleep(200);
    }
  }

  /** The request the fake model server is answering (it is recorded before the reply). */
  private static JsonNode llmLast() {
    return llm.last();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    if (stage != null) stage.close();
    if (llm != null) llm.close();
  }

  private static HttpRequest.Builder authorized(URI uri) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + API_KEY);
  }

  private static OpenAiChatModel.OpenAiChatModelBuilder chat(String model) {
    return OpenAiChatModel.builder()
        .baseUrl(base)
        .apiKey(API_KEY)
        .modelName(model)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(60));
  }

  private static ChatResponse ask(OpenAiChatModel model) {
    return model.chat(
        ChatRequest.builder()
            .messages(
                SystemMessage.from("Answer in one sentence."),
                UserMessage.from("How tall is the Eiffel Tower?"))
            .build());
  }

  @Test
  void theModelCatalogListsWhatTheServerAnswersWith() {
    var ids =
        OpenAiModelCatalog.builder().baseUrl(base).apiKey(API_KEY).build().listModels().stream()
            .map(ModelDescription::name)
            .toList();
    assertTrue(
        ids.containsAll(java.util.List.of("fathom", "fathom-extractive", "default")),
        ids.toString());
  }

  @Test
  void theRequestsSettingsReachTheModelServerAndUsageComesBack() {
    ChatResponse r = ask(chat("default").temperature(0.3).topP(0.9).seed(5).maxTokens(100).build());
    assertTrue(r.aiMessage().text().startsWith(SAID), r.aiMessage().text());
    assertTrue(r.aiMessage().text().contains("Sources:\n[1] The Eiffel Tower (doc-eiffel)"));
    assertEquals(FinishReason.STOP, r.metadata().finishReason());
    assertEquals(40, r.metadata().tokenUsage().inputTokenCount());
    assertEquals(7, r.metadata().tokenUsage().outputTokenCount());
    assertEquals(47, r.metadata().tokenUsage().totalTokenCount());
    JsonNode sent =
        llm.requests.stream()
            .filter(j -> j.path("seed").asLong() == 5)
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no request with seed 5: " + llm.requests));
    assertEquals(0.3, sent.get("temperature").asDouble(), 1e-6);
    assertEquals(0.9, sent.get("top_p").asDouble(), 1e-6);
    assertEquals(5, sent.get("seed").asLong());
    assertEquals(100, sent.get("max_tokens").asInt());
    String system = sent.at("/messages/0/content").asText();
    assertTrue(system.endsWith("Instructions from the caller:\nAnswer in one sentence."), system);
    assertTrue(sent.at("/messages/1/content").asText().contains("330 metres"), "evidence sent");
  }

  @Test
  void maxTokensReachedIsLength() {
    ChatResponse r = ask(chat("fathom").maxTokens(3).build());
    assertEquals(FinishReason.LENGTH, r.metadata().finishReason());
    assertEquals(3, r.metadata().tokenUsage().outputTokenCount());
  }

  @Test
  void aStreamedAnswerArrivesInPiecesAndEndsWithUsage() throws Exception {
    OpenAiStreamingChatModel model =
        OpenAiStreamingChatModel.builder()
            .baseUrl(base)
            .apiKey(API_KEY)
            .modelName("default")
            .timeout(Duration.ofSeconds(60))
            .build();
    StringBuilder pieces = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat(
        "How tall is the Eiffel Tower?",
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {
            pieces.append(partial);
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    ChatResponse r = done.get(60, TimeUnit.SECONDS);
    assertTrue(pieces.toString().startsWith(SAID), pieces.toString());
    assertEquals(FinishReason.STOP, r.metadata().finishReason());
    assertEquals(47, r.metadata().tokenUsage().totalTokenCount());
    assertTrue(llm.last().get("stream").asBoolean(), "the model server streamed too");
  }

  @Test
  void theExtractiveModeAnswersWithoutTheModelServer() {
    int before = llm.requests.size();
    ChatResponse r = ask(chat("fathom-extractive").build());
    assertTrue(r.aiMessage().text().contains("330 metres"), r.aiMessage().text());
    assertEquals(before, llm.requests.size(), "the model server was not asked");
    assertEquals(FinishReason.STOP, r.metadata().finishReason());
    assertTrue(r.metadata().tokenUsage().outputTokenCount() > 0);

    var e =
        assertThrows(
            InvalidRequestException.class,
            () -> ask(chat("fathom-extractive").temperature(0.7).build()));
    assertTrue(e.getMessage().contains("temperature"), e.getMessage());
  }

  @Test
  void anUnknownModelIsModelNotFound() {
    var e = assertThrows(ModelNotFoundException.class, () -> ask(chat("gpt-4o").build()));
    assertTrue(e.getMessage().contains("model_not_found"), e.getMessage());
  }

  @Test
  void aWrongKeyIsAnAuthenticationError() {
    var e =
        assertThrows(
            dev.langchain4j.exception.AuthenticationException.class,
            () -> ask(chat("fathom").apiKey("wrong").build()));
    assertTrue(e.getMessage().contains("invalid_api_key"), e.getMessage());
  }
}
