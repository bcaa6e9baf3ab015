package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.config.FathomConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collections and metadata filters in serve mode on real parts (embedded KRaft broker, Lucene
 * indexes on disk, the real embedding model): documents sent to a collection over HTTP and Kafka
 * land in its own index; questions and searches over HTTP and Kafka name a collection and a filter;
 * the {@code /v1/collections} endpoints list, show and delete.
 */
class CollectionServeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static FathomServer server;
  static KafkaSettings kafka;
  static KafkaProducer<byte[], byte[]> producer;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    FathomConfig config =
        FathomConfig.from(
                com.typesafe.config.ConfigFactory.parseMap(
                        java.util.Map.of(
                            "fathom.kafka.security",
                            "off",
                            // Kafka questions with a sessionId are session turns here, so the
                            // Kafka test below checks that a turn keeps its collection and filter.
                            "fathom.sessions.kafka-turns",
                            "true"))
                    .withFallback(com.typesafe.config.ConfigFactory.load()))
            .withDataDir(tmp.resolve("data"));
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    kafka = new KafkaSettings("", 0, "fathom-coll-it", defaults.topics(), 2, 8, 64 * 1024);
    server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, ""),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);

    HttpResponse<String> up =
        post(
            "/v1/collections/contracts/documents",
            "{\"id\":\"lease-1\",\"title\":\"Flat lease\",\"text\":\"The lease of the flat ends on"
                + " 31 May 2027.\",\"metadata\":{\"author\":\"Ann\",\"year\":2023}}");
    assertEquals(202, up.statusCode(), up.body());
    producer
        .send(
            new ProducerRecord<>(
                kafka.topics().documents(),
                "office".getBytes(StandardCharsets.UTF_8),
                ("{\"id\":\"office\",\"title\":\"Office lease\",\"text\":\"The lease of the office"
                        + " ends in June 2026.\",\"metadata\":{\"author\":\"Bob\",\"year\":2019}}")
                    .getBytes(StandardCharsets.UTF_8)))
        .get();
    awaitDocuments("contracts", 1);
    awaitDocuments("default", 1);
  }

  @AfterAll
  static void stop() {
    if (producer != null) producer.close();
    if (server != null) server.close();
  }

  @Test
  void questionsNameACollectionAndAFilter() throws Exception {
    JsonNode flat =
        JSON.readTree(
            ask("{\"question\":\"When does the lease end?\",\"collection\":\"contracts\"}").body());
    assertEquals(1, flat.get("sources").size(), flat.toString());
    assertEquals("lease-1", flat.get("sources").get(0).get("source").asText());

    JsonNode office =
        JSON.readTree(
            ask("{\"question\":\"When does the lease end?\",\"filter\":[\"author=bob\"]}").body());
    assertEquals("office", office.get("sources").get(0).get("source").asText(), office.toString());
    JsonNode none =
        JSON.readTree(
            ask("{\"question\":\"When does the lease end?\",\"filter\":{\"year\":{\"gte\":2020}}}")
                .body());
    assertEquals(0, none.get("sources").size(), "no default document from 2020 on: " + none);

    HttpResponse<String> bad = ask("{\"question\":\"q\",\"filter\":{\"year\":{\"after\":1}}}");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("unknown operator \\\"after\\\""), bad.body());
    HttpResponse<String> badName = ask("{\"question\":\"q\",\"collection\":\"No Such\"}");
    assertEquals(400, badName.statusCode());
    assertTrue(badName.body().contains("collection name 'No Such' is not legal"), badName.body());
    HttpResponse<String> unknown = ask("{\"question\":\"q\",\"collection\":\"nope\"}");
    assertEquals(404, unknown.statusCode(), unknown.body());
  }

  @Test
  void sessionTurnsAndChatCompletionsNameACollection() throws Exception {
    // The default collection holds only the office lease: a turn that lost its scope cites it.
    JsonNode turn =
        JSON.readTree(
            post(
                    "/v1/sessions/s-scope/ask",
                    "{\"question\":\"When does the lease end?\",\"collection\":\"contracts\","
                        + "\"filter\":[\"author=ann\"]}")
                .body());
    assertEquals(1, turn.get("turn").asInt(), turn.toString());
    assertEquals("lease-1", turn.get("sources").get(0).get("source").asText(), turn.toString());
    assertEquals(1, turn.get("sources").size(), turn.toString());
    HttpResponse<String> noSuch =
        post("/v1/sessions/s-scope/ask", "{\"question\":\"q\",\"collection\":\"nope\"}");
    assertEquals(404, noSuch.statusCode(), noSuch.body());

    String chat =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the lease.\"},"
            + "{\"role\":\"assistant\",\"content\":\"It is a lease.\"},"
            + "{\"role\":\"user\",\"content\":\"When does it end?\"}],"
            + "\"collection\":\"contracts\"}";
    HttpResponse<String> c = post("/v1/chat/completions", chat);
    assertEquals(200, c.statusCode(), c.body());
    assertTrue(c.body().contains("lease-1"), c.body());
    assertFalse(c.body().contains("\"office\""), c.body());
    HttpResponse<String> bad =
        post(
            "/v1/chat/completions",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"filter\":{\"year\":1}"
                + ",\"collection\":\"No Such\"}");
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals("collection", JSON.readTree(bad.body()).get("error").get("param").asText());
  }

  @Test
  void searchAndCollectionEndpoints() throws Exception {
    JsonNode s =
        JSON.readTree(
            get("/v1/search?q=lease&collection=contracts&filter="
                    + URLEncoder.encode("year>=2020", StandardCharsets.UTF_8))
                .body());
    JsonNode hit = s.get("hits").get(0);
    assertEquals("lease-1", hit.get("source").asText(), s.toString());
    assertTrue(hit.get("relevance").asDouble() > 0 && hit.get("relevance").asDouble() <= 1);

    JsonNode cs = JSON.readTree(get("/v1/collections").body()).get("collections");
    assertEquals(
        List.of("contracts", "default"),
        List.of(cs.get(0).get("name").asText(), cs.get(1).get("name").asText()));
    JsonNode doc = JSON.readTree(get("/v1/collections/contracts/documents/lease-1").body());
    assertEquals("Flat lease", doc.get("title").asText());
    assertEquals("2023", doc.get("metadata").get("year").get(0).asText());
    assertEquals(404, get("/v1/collections/contracts/documents/nope").statusCode());
    assertEquals(404, get("/v1/collections/nope/documents").statusCode());
    JsonNode filtered =
        JSON.readTree(get("/v1/collections/default/documents?filter=author%3DAnn").body());
    assertEquals(0, filtered.get("documents").size(), filtered.toString());

    // The web page's passage view reads the collection it names.
    HttpResponse<String> passages = get("/v1/passages?source=lease-1&collection=contracts");
    assertEquals(200, passages.statusCode(), passages.body());
    assertEquals("Flat lease", JSON.readTree(passages.body()).get("title").asText());
    assertEquals(404, get("/v1/passages?source=lease-1").statusCode(), "not in default");
    assertEquals(200, get("/v1/passages?source=office&collection=default").statusCode());
    assertEquals(404, get("/v1/passages?source=lease-1&collection=nope").statusCode());
    assertEquals(400, get("/v1/passages?source=lease-1&collection=No%20Such").statusCode());
  }

  @Test
  void kafkaQuestionsNameACollectionAndDeletesGoThroughTheTopic() throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                kafka.topics().documents(),
                "@scratch/tmp-1".getBytes(StandardCharsets.UTF_8),
                "{\"id\":\"tmp-1\",\"collection\":\"scratch\",\"text\":\"Scratch notes about tulips.\"}"
                    .getBytes(StandardCharsets.UTF_8)))
        .get();
    awaitDocuments("scratch", 1);
    HttpResponse<String> del =
        http.send(
            HttpRequest.newBuilder(uri("/v1/collections/scratch/documents/tmp-1")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, del.statusCode(), del.body());
    awaitDocuments("scratch", 0);
    JsonNode contracts = JSON.readTree(get("/v1/collections/contracts/documents").body());
    assertEquals(1, contracts.get("documents").size(), "other collections untouched");
  }

  @Test
  void aKafkaQuestionNamesItsCollectionAndFilter() throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                kafka.topics().questions(),
                "s-coll".getBytes(StandardCharsets.UTF_8),
                ("{\"requestId\":\"k-1\",\"sessionId\":\"s-coll\",\"question\":\"When does the"
                        + " lease end?\",\"collection\":\"contracts\",\"filter\":{\"author\":\"ann\"}}")
                    .getBytes(StandardCharsets.UTF_8)))
        .get();
    CommittedRead.awaitConsumed(
        server.bootstrapServers(), kafka.groupId(), kafka.topics().questions(), WAIT);
    JsonNode answer = null;
    for (var r : CommittedRead.readToEnd(server.bootstrapServers(), kafka.topics().answers())) {
      JsonNode a = JSON.readTree(r.value());
      if (a.path("requestId").asText().equals("k-1")) answer = a;
    }
    assertNotNull(answer, "an answer to k-1");
    assertEquals("lease-1", answer.get("sources").get(0).get("source").asText(), answer.toString());
  }

  private static void awaitDocuments(String collection, int n) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      HttpResponse<String> r = get("/v1/collections/" + collection + "/documents");
      last = r.body();
      if (r.statusCode() == 200 && JSON.readTree(last).get("documents").size() == n) return;
      Thread.sleep(200);
    }
    fail("collection " + collection + " never held " + n + " documents: " + last);
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort() + path);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> ask(String body) throws Exception {
    return post("/v1/ask", body);
  }
}
