package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.speculative.RapidSettings;
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
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve mode with a language model in the answer stage (the real stories260K GGUF, RAPID
 * self-speculation): answers are streamed token by token over HTTP server-sent events and on the
 * Kafka answer-stream topic, and still arrive whole, exactly once, on the answers topic.
 */
class GenerativeServeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");

  @TempDir static Path tmp;
  static AnswerStage stage;
  static FathomServer server;
  static KafkaSettings kafka;

  @BeforeAll
  static void start() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    kafka = new KafkaSettings("", 0, "fathom-gen-it", defaults.topics(), 1, 4, 64 * 1024);
    stage =
        AnswerStage.open(
            new AnswerStage.Settings(
                STORIES,
                null,
                true,
                new EngineSettings(2, 0, null),
                GenerationSettings.GREEDY.withMaxTokens(24),
                RapidSettings.DEFAULTS));
    server =
        FathomServer.start(
            config,
            kafka,
            HttpSettings.loopback(0),
            stage,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    HttpResponse<String> added =
        post(
            "/v1/documents",
            "{\"id\":\"doc-lily\",\"title\":\"Lily\",\"text\":\"Lily loved to play outside in the"
                + " park. One day she saw a big red ball.\"}");
    assertEquals(202, added.statusCode(), added.body());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!get("/v1/search?q=ball").body().contains("doc-lily")) {
      assertTrue(System.nanoTime() < deadline, "the document never became searchable");
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    if (stage != null) stage.close();
  }

  @Test
  void httpStreamsTheModelsTokensThenTheWholeAnswer() throws Exception {
    HttpResponse<String> r =
        post("/v1/ask", "{\"question\":\"What did Lily see in the park?\",\"stream\":true}");
    assertEquals(200, r.statusCode());
    List<String> partials = new ArrayList<>();
    JsonNode answer = null;
    for (String frame : r.body().split("\n\n")) {
      if (frame.startsWith("event: partial")) {
        partials.add(
            JSON.readTree(frame.substring(frame.indexOf("data: ") + 6)).get("text").asText());
      } else if (frame.startsWith("event: answer")) {
        answer = JSON.readTree(frame.substring(frame.indexOf("data: ") + 6));
      }
    }
    assertNotNull(answer, r.body());
    assertTrue(partials.size() > 3, "token by token, got " + partials);
    assertFalse(answer.path("answer").asText().isBlank(), answer.toString());
    assertEquals("doc-lily", answer.get("citations").get(0).get("source").asText());
  }

  @Test
  void aChatRequestsKvEvictionIsRefusedUnderRapid() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/chat/completions",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"What did Lily see?\"}],"
                + "\"kv_eviction\":{\"policy\":\"h2o\",\"budget\":64}}");
    assertEquals(400, r.statusCode(), r.body());
    JsonNode e = JSON.readTree(r.body()).get("error");
    assertEquals("kv_eviction", e.get("param").asText());
    assertTrue(e.get("message").asText().contains("RAPID"), r.body());
  }

  @Test
  void anAgentQuestionStreamsItsStepsThenTheAnswerWithItsTrace() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/ask",
            "{\"question\":\"What did Lily see in the park and who was with her?\","
                + "\"stream\":true,\"agent\":true}");
    assertEquals(200, r.statusCode());
    List<JsonNode> steps = new ArrayList<>();
    JsonNode answer = null;
    for (String frame : r.body().split("\n\n")) {
      JsonNode data =
          frame.contains("data: ")
              ? JSON.readTree(frame.substring(frame.indexOf("data: ") + 6))
              : null;
      if (frame.startsWith("event: step")) steps.add(data);
      else if (frame.startsWith("event: answer")) answer = data;
    }
    assertNotNull(answer, r.body());
    assertFalse(steps.isEmpty(), r.body());
    assertEquals("decompose", steps.getFirst().get("kind").asText(), steps.toString());
    JsonNode trace = answer.get("agent");
    assertEquals(steps.size(), trace.get("steps").size(), "every traced step was streamed");
    assertTrue(trace.get("tokens").asInt() > 0, trace.toString());
    // Without "agent" the same server answers as before: no trace.
    HttpResponse<String> plain =
        post("/v1/ask", "{\"question\":\"What did Lily see in the park?\"}");
    assertFalse(JSON.readTree(plain.body()).has("agent"), plain.body());
  }

  @Test
  void kafkaQuestionsStreamPiecesAndGetExactlyOneAnswer() throws Exception {
    TopicRecords.send(
        server.bootstrapServers(),
        kafka.topics().questions(),
        "s-1",
        "{\"requestId\":\"g-1\",\"sessionId\":\"s-1\",\"question\":\"What did Lily see?\"}");
    read(kafka.topics().answers(), "g-1", 1);
    // Once every question is committed, no second answer can appear: read all there is.
    CommittedRead.awaitConsumed(
        server.bootstrapServers(),
        kafka.groupId(),
        kafka.topics().questions(),
        Duration.ofMinutes(2));
    List<JsonNode> answers = new ArrayList<>();
    for (var r : CommittedRead.readToEnd(server.bootstrapServers(), kafka.topics().answers())) {
      JsonNode j = JSON.readTree(r.value());
      if (j.get("requestId").asText().equals("g-1")) answers.add(j);
    }
    assertEquals(1, answers.size());
    assertFalse(answers.get(0).path("answer").asText().isBlank(), answers.get(0).toString());
    List<JsonNode> pieces = read(kafka.topics().answerStream(), "g-1", 2);
    assertTrue(pieces.size() > 3, "token pieces, got " + pieces.size());
    for (int i = 0; i < pieces.size(); i++) {
      assertEquals(i, pieces.get(i).get("seq").asInt());
    }
  }

  /** Records of {@code requestId} on {@code topic}, read committed, once at least {@code min}. */
  private static List<JsonNode> read(String topic, String requestId, int min) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      List<JsonNode> out = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
          JsonNode j = JSON.readTree(r.value());
          if (requestId.equals(j.path("requestId").asText())) out.add(j);
        }
        if (out.size() >= min) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            JsonNode j = JSON.readTree(r.value());
            if (requestId.equals(j.path("requestId").asText())) out.add(j);
          }
          return out;
        }
      }
      fail("fewer than " + min + " records of " + requestId + " on " + topic);
      return out;
    }
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
