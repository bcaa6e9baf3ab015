package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.memory.PrefixCache;
import dev.fathom.retrieval.search.Retriever;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A chat request's {@code kv_eviction} through the real HTTP server to the real stories260K engine
 * (no speculation): a budget the request overflows makes the engine run it through an evicting
 * sequence, which bypasses the prefix cache (after an eviction the cache positions no longer match
 * the tokens), so the cache's request counter shows which requests evicted; a bad field is a 400
 * naming it and the legal range.
 */
class KvEvictionRequestIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");

  static AnswerStage stage;
  static QuestionService questions;
  static ServerBinding binding;
  static String base;

  @BeforeAll
  static void start() {
    stage =
        AnswerStage.open(
            new AnswerStage.Settings(
                STORIES,
                null,
                false,
                new EngineSettings(1, 0, null),
                GenerationSettings.GREEDY.withMaxTokens(12),
                RapidSettings.DEFAULTS));
    assertNull(stage.kvEvictionRefusal(), "the in-JVM engine without RAPID honours kv_eviction");
    Retriever retriever = OnePassagePipeline.retriever();
    questions = OnePassagePipeline.questions(retriever, stage.answerer());
    HttpApi api =
        OnePassagePipeline.api(questions, retriever, 64 * 1024, 500)
            .openAi(stage.model().name(), Duration.ofSeconds(15))
            .kvEvictionRefusal(stage.kvEvictionRefusal());
    binding = api.bind("127.0.0.1", 0);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (binding != null) HttpApi.unbind(binding, Duration.ofSeconds(1));
    if (questions != null) questions.close();
    if (stage != null) stage.close();
  }

  private static HttpResponse<String> chat(String more) throws Exception {
    String body =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"How tall is the tower?\"}]" + more + "}";
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static long cacheRequests() {
    PrefixCache.Stats s = stage.model().engine().prefixCache().stats();
    return s.requests();
  }

  /** Asks with {@code more} and answers how many prefix-cache look-ups the request made. */
  private static long lookUps(String more) throws Exception {
    long before = cacheRequests();
    HttpResponse<String> r = chat(more);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = JSON.readTree(r.body());
    assertFalse(j.at("/choices/0/message/content").asText().isBlank(), r.body());
    assertTrue(j.at("/usage/completion_tokens").asInt() > 0, r.body());
    return cacheRequests() - before;
  }

  @Test
  void aBudgetTheRequestOverflowsEvictsAndARoomyOneDoesNot() throws Exception {
    assertEquals(1, lookUps(""), "a plain request looks up the prefix cache");
    assertEquals(
        0,
        lookUps(",\"kv_eviction\":{\"policy\":\"streaming-llm\",\"budget\":24}"),
        "a 24-position budget evicts, so the request bypasses the prefix cache");
    assertEquals(0, lookUps(",\"kv_eviction\":{\"policy\":\"snapkv\",\"budget\":40}"));
    assertEquals(
        1,
        lookUps(",\"kv_eviction\":{\"policy\":\"h2o\",\"budget\":100000}"),
        "a budget the request fits never evicts");
  }

  @Test
  void aBadKvEvictionIsA400NamingTheFieldAndTheRange() throws Exception {
    for (String[] bad :
        new String[][] {
          {"\"snapkv\"", "kv_eviction", "must be an object"},
          {
            "{\"policy\":\"lru\",\"budget\":64}",
            "kv_eviction.policy",
            "streaming-llm, h2o or snapkv"
          },
          {"{\"budget\":64}", "kv_eviction.policy", "got null"},
          {"{\"policy\":\"passage\",\"budget\":64}", "kv_eviction.policy", "token spans"},
          {"{\"policy\":\"snapkv\",\"budget\":8}", "kv_eviction.budget", "in 33..1000000"},
          {"{\"policy\":\"streaming-llm\"}", "kv_eviction.budget", "in 5..1000000"},
          {"{\"policy\":\"h2o\",\"budget\":\"64\"}", "kv_eviction.budget", "got \"64\""},
          {"{\"policy\":\"h2o\",\"budget\":2000000}", "kv_eviction.budget", "got 2000000"},
          {"{\"policy\":\"h2o\",\"budget\":64,\"sinks\":2}", "kv_eviction.sinks", "not a field"}
        }) {
      HttpResponse<String> r = chat(",\"kv_eviction\":" + bad[0]);
      assertEquals(400, r.statusCode(), bad[0] + ": " + r.body());
      JsonNode e = JSON.readTree(r.body()).get("error");
      assertEquals(bad[1], e.get("param").asText(), r.body());
      assertTrue(e.get("message").asText().contains(bad[2]), r.body());
    }
  }

  @Test
  void theExtractiveModeRefusesKvEviction() throws Exception {
    HttpResponse<String> r =
        chat(
            ",\"model\":\"fathom-extractive\","
                + "\"kv_eviction\":{\"policy\":\"h2o\",\"budget\":64}");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode e = JSON.readTree(r.body()).get("error");
    assertEquals("kv_eviction", e.get("param").asText());
    assertTrue(e.get("message").asText().contains("fathom-extractive"), r.body());
  }

  @Test
  void aStageWithoutTheInJvmEngineSaysWhyItWouldNotHonourIt() {
    try (AnswerStage extractive = AnswerStage.extractive()) {
      assertEquals("it composes answers without a model", extractive.kvEvictionRefusal());
    }
  }
}
