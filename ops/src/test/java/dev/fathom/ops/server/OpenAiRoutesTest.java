package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.GenerativeAnswerer;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.search.Retriever;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI routes over a pipeline of in-memory stages (one passage) whose answers a scripted
 * model writes: what each request field does to the model call and to the reply, and the error body
 * of every failure. {@code OpenAiLibraryIT} speaks to a real {@code fathom serve} with a real
 * OpenAI client library.
 */
class OpenAiRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes "The tower is 330 metres tall [1]." in pieces, slowly, recording its settings. */
  static final class Scripted implements LanguageModel {
    volatile GenerationSettings settings;
    volatile List<ChatMessage> messages;
    volatile long delayMillis;

    @Override
    public String name() {
      return "scripted-7b";
    }

    @Override
    public int contextLength() {
      return 4096;
    }

    @Override
    public Generation complete(String prompt, GenerationSettings s, TokenListener listener) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Generation chat(List<ChatMessage> m, GenerationSettings s, TokenListener listener) {
      settings = s;
      messages = m;
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String[] words = {"The ", "tower ", "is ", "330 ", "metres ", "tall ", "[1]."};
      int n = Math.min(words.length, s.maxTokens());
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < n; i++) {
        listener.onText(words[i]);
        text.append(words[i]);
      }
      var stop = n < words.length ? Generation.StopReason.MAX_TOKENS : Generation.StopReason.EOS;
      return new Generation(text.toString(), new int[0], new int[n], stop, 57, 1_000, 2_000);
    }

    @Override
    public void close() {}
  }

  static final Scripted MODEL = new Scripted();
  static QuestionService questions;
  static ServerBinding binding;
  static String base;

  @BeforeAll
  static void start() {
    Retriever retriever = OnePassagePipeline.retriever();
    questions =
        OnePassagePipeline.questions(
            retriever, new GenerativeAnswerer(MODEL, GenerativeAnswerer.Settings.defaults()));
    HttpApi api =
        OnePassagePipeline.api(questions, retriever, 64 * 1024, 500)
            .openAi(MODEL.name(), Duration.ofMillis(100));
    binding = api.bind("127.0.0.1", 0);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (binding != null) HttpApi.unbind(binding, Duration.ofSeconds(1));
    if (questions != null) questions.close();
  }

  private static HttpResponse<String> chat(String body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String ask(String more) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":\"How tall is the tower?\"}]"
        + more
        + "}";
  }

  /** The error object, checked to have OpenAI's four fields. */
  private static JsonNode error(HttpResponse<String> r) throws Exception {
    JsonNode e = JSON.readTree(r.body()).get("error");
    assertNotNull(e, r.body());
    for (String f : List.of("message", "type", "param", "code")) assertTrue(e.has(f), r.body());
    return e;
  }

  @Test
  void modelsListsTheDefaultTheExtractiveModeAndTheLoadedModel() throws Exception {
    HttpResponse<String> r = get("/v1/models");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = JSON.readTree(r.body());
    assertEquals("list", j.get("object").asText());
    List<String> ids = j.get("data").findValuesAsText("id");
    assertEquals(List.of("fathom", "fathom-extractive", "scripted-7b"), ids);
    assertEquals("model", j.get("data").get(0).get("object").asText());
    assertEquals(200, get("/v1/models/scripted-7b").statusCode());
    HttpResponse<String> missing = get("/v1/models/gpt-4o");
    assertEquals(404, missing.statusCode());
    assertEquals("model_not_found", error(missing).get("code").asText());
  }

  @Test
  void theRequestsSamplingReachesTheModelAndUsageComesFromIt() throws Exception {
    HttpResponse<String> r =
        chat(ask(",\"model\":\"scripted-7b\",\"temperature\":0.7,\"top_p\":0.9,\"seed\":7"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(0.7f, MODEL.settings.temperature(), 1e-6);
    assertEquals(0.9f, MODEL.settings.topP(), 1e-6);
    assertEquals(7L, MODEL.settings.seed());
    JsonNode j = JSON.readTree(r.body());
    assertEquals("scripted-7b", j.get("model").asText());
    assertEquals("stop", j.at("/choices/0/finish_reason").asText());
    assertEquals(57, j.at("/usage/prompt_tokens").asInt());
    assertEquals(7, j.at("/usage/completion_tokens").asInt());
    assertEquals(64, j.at("/usage/total_tokens").asInt());
  }

  @Test
  void maxTokensReachedIsFinishReasonLength() throws Exception {
    HttpResponse<String> r = chat(ask(",\"max_tokens\":3,\"stop\":[\"END\"]"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(3, MODEL.settings.maxTokens());
    assertEquals(List.of("END"), MODEL.settings.stop());
    JsonNode j = JSON.readTree(r.body());
    assertEquals("length", j.at("/choices/0/finish_reason").asText());
    assertEquals(3, j.at("/usage/completion_tokens").asInt());
  }

  @Test
  void systemMessagesAndArrayContentReachThePrompt() throws Exception {
    HttpResponse<String> r =
        chat(
            """
            {"messages":[{"role":"system","content":"Answer in French."},
             {"role":"user","content":[{"type":"text","text":"How tall"},
                                       {"type":"text","text":"is the tower?"}]}]}""");
    assertEquals(200, r.statusCode(), r.body());
    String system = MODEL.messages.getFirst().content();
    assertTrue(system.startsWith(GenerativeAnswerer.INSTRUCTIONS), system);
    assertTrue(system.endsWith("Instructions from the caller:\nAnswer in French."), system);
    assertTrue(MODEL.messages.get(1).content().contains("How tall\nis the tower?"));
  }

  @Test
  void theExtractiveModeAnswersWithoutTheModelAndCutsAtMaxTokens() throws Exception {
    MODEL.settings = null;
    HttpResponse<String> r = chat(ask(",\"model\":\"fathom-extractive\",\"max_tokens\":2"));
    assertEquals(200, r.statusCode(), r.body());
    assertNull(MODEL.settings, "the model was not called");
    JsonNode j = JSON.readTree(r.body());
    assertEquals("fathom-extractive", j.get("model").asText());
    assertEquals("length", j.at("/choices/0/finish_reason").asText());
    assertTrue(j.at("/choices/0/message/content").asText().startsWith("The tower\n"), r.body());
    assertEquals(2, j.at("/usage/completion_tokens").asInt());
    assertTrue(j.at("/usage/prompt_tokens").asInt() > 0);

    HttpResponse<String> hot = chat(ask(",\"model\":\"fathom-extractive\",\"temperature\":1"));
    assertEquals(400, hot.statusCode());
    assertEquals("temperature", error(hot).get("param").asText());
  }

  @Test
  void aStreamEndsWithFinishReasonThenUsageThenDone() throws Exception {
    HttpResponse<String> r =
        chat(ask(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
    assertEquals(200, r.statusCode(), r.body());
    List<String> data =
        r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertEquals("[DONE]", data.getLast());
    JsonNode usage = JSON.readTree(data.get(data.size() - 2));
    assertTrue(usage.get("choices").isEmpty(), usage.toString());
    assertEquals(64, usage.at("/usage/total_tokens").asInt());
    JsonNode finish = JSON.readTree(data.get(data.size() - 3));
    assertEquals("stop", finish.at("/choices/0/finish_reason").asText());
    StringBuilder text = new StringBuilder();
    for (String d : data.subList(0, data.size() - 3)) {
      text.append(JSON.readTree(d).at("/choices/0/delta/content").asText());
    }
    assertTrue(text.toString().startsWith("The tower is 330 metres tall [1]."), text.toString());
  }

  @Test
  void aSlowAnswerGetsKeepAliveCommentsWhileItWaits() throws Exception {
    MODEL.delayMillis = 600;
    try {
      HttpResponse<String> r = chat(ask(",\"stream\":true"));
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains(": keep-alive\n\n"), r.body());
      assertTrue(r.body().strip().endsWith("data: [DONE]"), r.body());
    } finally {
      MODEL.delayMillis = 0;
    }
  }

  @Test
  void everyFailureHasOpenAisErrorShape() throws Exception {
    HttpResponse<String> unknown = chat(ask(",\"model\":\"gpt-4o\""));
    assertEquals(404, unknown.statusCode());
    assertEquals("model_not_found", error(unknown).get("code").asText());
    assertEquals("model", error(unknown).get("param").asText());

    for (String[] bad :
        new String[][] {
          {",\"temperature\":3", "temperature"},
          {",\"top_p\":0", "top_p"},
          {",\"max_tokens\":0", "max_tokens"},
          {",\"seed\":1.5", "seed"},
          {",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop"},
          {",\"n\":2", "n"},
          {",\"tools\":[]", "tools"},
          {",\"presence_penalty\":1", "presence_penalty"},
          {",\"stream_options\":{\"include_usage\":true}", "stream_options"},
          {",\"frobnicate\":1", "frobnicate"},
          {",\"stream\":\"yes\"", "stream"}
        }) {
      HttpResponse<String> r = chat(ask(bad[0]));
      assertEquals(400, r.statusCode(), bad[0] + ": " + r.body());
      assertEquals(bad[1], error(r).get("param").asText(), r.body());
      assertEquals("invalid_request_error", error(r).get("type").asText());
    }
    HttpResponse<String> noUser = chat("{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}");
    assertEquals(400, noUser.statusCode());
    assertEquals("messages", error(noUser).get("param").asText());

    HttpResponse<String> notJson = chat("{");
    assertEquals(400, notJson.statusCode());
    error(notJson);

    HttpResponse<String> wrongMethod = get("/v1/chat/completions");
    assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
    error(wrongMethod);

    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> form =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString(ask("")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(415, form.statusCode());
      error(form);
    }
  }
}
