package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.ExtractiveAnswerer;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.retrieval.search.Retriever;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API on its own: a real Pekko HTTP server over a pipeline of in-memory stages (one
 * passage, the extractive answerer), no Kafka and no model. Checks the request rules every door
 * shares ({@link QuestionIntake}) as HTTP reports them: 400 naming the field and range, 415 for a
 * body that is not JSON, strict UTF-8.
 */
class HttpApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static QuestionService questions;
  static ServerBinding binding;
  static String base;

  @BeforeAll
  static void start() {
    Retriever retriever = OnePassagePipeline.retriever();
    questions = OnePassagePipeline.questions(retriever, new ExtractiveAnswerer());
    HttpApi api = OnePassagePipeline.api(questions, retriever, 1024, 50);
    binding = api.bind("127.0.0.1", 0);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (binding != null) HttpApi.unbind(binding, Duration.ofSeconds(1));
    if (questions != null) questions.close();
  }

  private static HttpResponse<String> post(String path, String type, byte[] body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", type)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static HttpResponse<String> ask(String json) throws Exception {
    return post("/v1/ask", "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("error").asText();
  }

  @Test
  void aGoodQuestionIsAnswered() throws Exception {
    HttpResponse<String> r = ask("{\"question\":\"How tall is the tower?\",\"k\":3}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = JSON.readTree(r.body());
    assertEquals("http", j.get("sessionId").asText());
    assertTrue(j.get("answer").asText().contains("330 metres"), r.body());
  }

  @Test
  void kOutOfRangeOrNotAnIntegerIs400NamingTheRange() throws Exception {
    for (String k : List.of("0", "1001", "\"7\"", "2.9")) {
      HttpResponse<String> r = ask("{\"question\":\"q\",\"k\":" + k + "}");
      assertEquals(400, r.statusCode(), r.body());
      assertEquals("k must be an integer in 1..1000, got " + k, error(r));
    }
  }

  @Test
  void aNonStringSessionIdIs400() throws Exception {
    HttpResponse<String> r = ask("{\"question\":\"q\",\"sessionId\":42}");
    assertEquals(400, r.statusCode());
    assertEquals("field \"sessionId\" is not a string, got 42", error(r));
  }

  @Test
  void rerankIsReadByTheIntakeAndAnUnavailableRankerKeepsTheRetrievalOrder() throws Exception {
    HttpResponse<String> bad = ask("{\"question\":\"q\",\"rerank\":\"bm25\"}");
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals("rerank must be one of none|listwise|attention|fusion, got 'bm25'", error(bad));
    // This pipeline has no fusion model: the question is answered in the retrieval order.
    HttpResponse<String> r = ask("{\"question\":\"How tall is the tower?\",\"rerank\":\"fusion\"}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = JSON.readTree(r.body());
    assertTrue(j.get("answer").asText().contains("330 metres"), r.body());
    assertTrue(j.get("timings_ms").has("rerank"), r.body());
  }

  @Test
  void aBodyThatIsNotJsonIs415() throws Exception {
    HttpResponse<String> r =
        post("/v1/ask", "text/plain", "{\"question\":\"q\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(415, r.statusCode(), r.body());
    assertTrue(error(r).contains("application/json"), r.body());
    HttpResponse<String> chat =
        post(
            "/v1/chat/completions",
            "application/x-www-form-urlencoded",
            "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(415, chat.statusCode(), chat.body());
  }

  @Test
  void invalidUtf8Is400NotReplaced() throws Exception {
    byte[] body = {
      '{', '"', 'q', 'u', 'e', 's', 't', 'i', 'o', 'n', '"', ':', '"', (byte) 0xC3, '"', '}'
    };
    HttpResponse<String> r = post("/v1/ask", "application/json", body);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(error(r).startsWith("the body is not valid UTF-8"), r.body());
  }

  @Test
  void theQuestionLengthLimitAppliesToEveryRoute() throws Exception {
    String longQ = "x".repeat(51);
    String expected =
        "the question is 51 characters long; the limit is 50 (fathom.ask.max-question-chars)";
    assertEquals(expected, error(ask("{\"question\":\"" + longQ + "\"}")));
    HttpResponse<String> chat =
        post(
            "/v1/chat/completions",
            "application/json",
            ("{\"messages\":[{\"role\":\"user\",\"content\":\"" + longQ + "\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(400, chat.statusCode());
    assertEquals(expected, JSON.readTree(chat.body()).get("error").get("message").asText());
    HttpResponse<String> search = get("/v1/search?q=" + longQ);
    assertEquals(400, search.statusCode());
    assertEquals(expected, error(search));
  }

  @Test
  void searchWithANonNumericKIs400WithASentence() throws Exception {
    HttpResponse<String> r = get("/v1/search?q=tower&k=abc");
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("k must be an integer in 1..1000, got 'abc'", error(r));
    HttpResponse<String> ok = get("/v1/search?q=tower&k=2");
    assertEquals(200, ok.statusCode(), ok.body());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
