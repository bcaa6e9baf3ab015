package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions over HTTP on a real {@code fathom serve} (embedded broker, ONNX embedder, Lucene index,
 * the session journal on disk): three documents say when something ends, and only the conversation
 * tells the follow-up "When does it end?" which one is meant.
 */
class SessionServeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path tmp;
  static FathomServer server;
  static String base;
  static KafkaSettings kafka;

  @BeforeAll
  static void start() throws Exception {
    // Kafka questions are session turns in this server (off by default).
    System.setProperty("fathom.sessions.kafka-turns", "true");
    com.typesafe.config.ConfigFactory.invalidateCaches();
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    System.clearProperty("fathom.sessions.kafka-turns");
    com.typesafe.config.ConfigFactory.invalidateCaches();
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    kafka = new KafkaSettings("", 0, "fathom-session-it", defaults.topics(), 2, 8, 64 * 1024);
    server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, ""),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    base = "http://127.0.0.1:" + server.httpPort() + "/v1";
    post(
        "/documents",
        "{\"id\":\"doc-lease\",\"title\":\"Office lease\",\"text\":\"The office lease for the"
            + " Harbour Street premises starts on 1 March 2024. The office lease ends on 28"
            + " February 2027 unless the tenant renews it.\"}");
    post(
        "/documents",
        "{\"id\":\"doc-festival\",\"title\":\"Summer festival\",\"text\":\"The summer festival"
            + " opens in June with a parade. When does it end? The festival ends on 31 August"
            + " with fireworks.\"}");
    post(
        "/documents",
        "{\"id\":\"doc-apollo\",\"title\":\"Apollo project\",\"text\":\"The Apollo project builds"
            + " a new ticketing system. It ends in December 2026, when the old system is switched"
            + " off.\"}");
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (server.passageCount() < 3) {
      if (System.nanoTime() > deadline) fail("documents not indexed: " + server.passageCount());
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSessionAnswersTheFollowUpFromTheLeaseKeepsItsHistoryAndIsDeleted() throws Exception {
    HttpResponse<String> created = post("/sessions", "{}");
    assertEquals(201, created.statusCode(), created.body());
    String id = JSON.readTree(created.body()).get("session").asText();

    HttpResponse<String> first =
        post("/sessions/" + id + "/ask", "{\"question\":\"When does the office lease start?\"}");
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(1, JSON.readTree(first.body()).get("turn").asInt());

    HttpResponse<String> second =
        post("/sessions/" + id + "/ask", "{\"question\":\"When does it end?\"}");
    assertEquals(200, second.statusCode(), second.body());
    JsonNode a = JSON.readTree(second.body());
    assertEquals(2, a.get("turn").asInt());
    assertTrue(a.at("/rewrite/query").asText().toLowerCase().contains("lease"), a.toString());
    assertEquals("doc-lease", a.at("/citations/0/source").asText(), a.toString());
    assertTrue(a.get("answer").asText().contains("2027"), a.toString());

    HttpResponse<String> streamed =
        post("/sessions/" + id + "/ask", "{\"question\":\"Who can renew it?\",\"stream\":true}");
    assertEquals(200, streamed.statusCode());
    assertTrue(streamed.body().contains("event: answer"), streamed.body());
    assertTrue(streamed.body().contains("\"turn\":3"), streamed.body());

    HttpResponse<String> history = send("GET", "/sessions/" + id);
    assertEquals(200, history.statusCode(), history.body());
    JsonNode h = JSON.readTree(history.body());
    assertEquals(3, h.get("turns").size());
    assertEquals("When does it end?", h.at("/turns/1/question").asText());

    assertEquals(200, send("DELETE", "/sessions/" + id).statusCode());
    assertEquals(404, send("GET", "/sessions/" + id).statusCode());
  }

  @Test
  void aKafkaQuestionWithASessionIdIsATurnOfThatSession() throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", server.bootstrapServers());
    p.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
    p.put(
        "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p)) {
      producer.send(
          new org.apache.kafka.clients.producer.ProducerRecord<>(
              kafka.topics().questions(),
              "k-lease",
              "{\"requestId\":\"k-1\",\"sessionId\":\"k-lease\","
                  + "\"question\":\"When does the office lease start?\"}"));
      producer.send(
          new org.apache.kafka.clients.producer.ProducerRecord<>(
              kafka.topics().questions(),
              "k-lease",
              "{\"requestId\":\"k-2\",\"sessionId\":\"k-lease\","
                  + "\"question\":\"When does it end?\"}"));
    }
    CommittedRead.awaitConsumed(
        server.bootstrapServers(),
        kafka.groupId(),
        kafka.topics().questions(),
        Duration.ofSeconds(90));
    var answers = CommittedRead.readToEnd(server.bootstrapServers(), kafka.topics().answers());
    JsonNode second = null;
    int k2 = 0;
    for (var r : answers) {
      JsonNode a = JSON.readTree(r.value());
      if (a.path("requestId").asText().equals("k-2")) {
        second = a;
        k2++;
      }
    }
    assertEquals(1, k2, "exactly one answer to k-2");
    assertEquals("doc-lease", second.at("/citations/0/source").asText(), second.toString());
    HttpResponse<String> history = send("GET", "/sessions/k-lease");
    assertEquals(2, JSON.readTree(history.body()).get("turns").size(), history.body());
  }

  @Test
  void chatCompletionsReadTheEarlierMessagesAsHistory() throws Exception {
    String body =
        """
        {"messages":[
          {"role":"system","content":"Answer from the documents."},
          {"role":"user","content":"When does the office lease start?"},
          {"role":"assistant","content":"The office lease starts on 1 March 2024 [1]."},
          {"role":"user","content":[{"type":"text","text":"When does it end?"}]}]}""";
    HttpResponse<String> r = post("/chat/completions", body);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode c = JSON.readTree(r.body());
    assertEquals("doc-lease", c.at("/citations/0/source").asText(), c.toString());
    assertTrue(c.at("/choices/0/message/content").asText().contains("2027"), c.toString());
  }
}
