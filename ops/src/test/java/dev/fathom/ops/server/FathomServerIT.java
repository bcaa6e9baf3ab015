package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.ScoredPassage;
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
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve mode on real parts: the embedded KRaft broker in this JVM, the real embedding model, a
 * Lucene index on disk, the Pekko pipeline. Answers are read the way a client should read them,
 * with {@code isolation.level=read_committed}.
 */
class FathomServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int MAX_VALUE_BYTES = 64 * 1024;
  private static final String API_KEY = "it-secret-key";

  @TempDir static Path tmp;
  static FathomConfig config;
  static KafkaSettings kafka;
  static FathomServer server;
  static KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  static void startServerAndIndexOneDocument() throws Exception {
    // Path documents are off by default; this test's files live under tmp.
    config =
        FathomConfig.from(
                com.typesafe.config.ConfigFactory.parseMap(
                        java.util.Map.of(
                            "fathom.documents.path.allowed-roots",
                            List.of(tmp.toString()),
                            // The HTTP API key would secure the broker; KafkaSecurityIT tests
                            // that, the clients here are plain.
                            "fathom.kafka.security",
                            "off"))
                    .withFallback(com.typesafe.config.ConfigFactory.load()))
            .withDataDir(tmp.resolve("data"));
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    kafka = new KafkaSettings("", 0, "fathom-it", defaults.topics(), 2, 8, MAX_VALUE_BYTES);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, API_KEY),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("Kafka: " + server.bootstrapServers()),
        out.toString(StandardCharsets.UTF_8));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
    producer = new KafkaProducer<>(p);
    send(
        kafka.topics().documents(),
        "doc-eiffel",
        """
        {"id":"doc-eiffel","title":"The Eiffel Tower","text":"The Eiffel Tower was built for the \
        1889 World's Fair in Paris. The tower is 330 metres tall. Gustave Eiffel's engineering \
        company designed and built it."}""");
    awaitSearchable("Eiffel", "doc-eiffel", true);
  }

  @AfterAll
  static void stop() {
    if (producer != null) producer.close();
    if (server != null) server.close();
  }

  @Test
  void aQuestionOnTheTopicGetsExactlyOneAnswerWithCitations() throws Exception {
    send(
        kafka.topics().questions(),
        "session-1",
        "{\"requestId\":\"r-1\",\"sessionId\":\"session-1\",\"question\":\"How tall is the Eiffel Tower?\"}");
    List<ConsumerRecord<byte[], byte[]>> answers =
        readUntil(kafka.topics().answers(), rs -> count(rs, "r-1") >= 1);
    // Once every question is committed, no second answer can appear: read all there is.
    CommittedRead.awaitConsumed(
        server.bootstrapServers(), kafka.groupId(), kafka.topics().questions(), WAIT);
    answers = CommittedRead.readToEnd(server.bootstrapServers(), kafka.topics().answers());
    assertEquals(1, count(answers, "r-1"));
    ConsumerRecord<byte[], byte[]> r = find(answers, "r-1");
    assertEquals("session-1", new String(r.key(), StandardCharsets.UTF_8));
    JsonNode a = JSON.readTree(r.value());
    assertEquals("session-1", a.get("sessionId").asText());
    assertEquals("How tall is the Eiffel Tower?", a.get("question").asText());
    assertTrue(a.get("answer").asText().contains("330 metres"), a.toString());
    JsonNode c = a.get("citations").get(0);
    assertEquals("doc-eiffel", c.get("source").asText());
    assertEquals("The Eiffel Tower", c.get("title").asText());
    assertTrue(a.get("timings_ms").has("total"), a.toString());
    assertFalse(a.has("error"));

    // The answer's text was also streamed, in order, on the answer-stream topic.
    List<ConsumerRecord<byte[], byte[]>> pieces =
        readUntil(kafka.topics().answerStream(), rs -> count(rs, "r-1") >= 1);
    StringBuilder streamed = new StringBuilder();
    int seq = 0;
    for (ConsumerRecord<byte[], byte[]> p : pieces) {
      JsonNode piece = JSON.readTree(p.value());
      if (piece.get("requestId").asText().equals("r-1")) {
        assertEquals(seq++, piece.get("seq").asInt());
        streamed.append(piece.get("text").asText());
      }
    }
    assertEquals(a.get("answer").asText(), streamed.toString());
  }

  @Test
  void malformedQuestionsGoToDeadLettersAndTheStreamContinues() throws Exception {
    String key = "session-bad";
    byte[][] bad = {
      "{not json".getBytes(StandardCharsets.UTF_8),
      "{\"requestId\":\"r-missing\",\"sessionId\":\"session-bad\"}"
          .getBytes(StandardCharsets.UTF_8),
      {'{', '"', 'q', (byte) 0xC3, (byte) 0x28, '"', '}'},
      ("{\"requestId\":\"r-big\",\"sessionId\":\"s\",\"question\":\""
              + "a".repeat(10 << 20)
              + "\"}")
          .getBytes(StandardCharsets.UTF_8)
    };
    for (byte[] v : bad) {
      producer.send(new ProducerRecord<>(kafka.topics().questions(), key.getBytes(), v)).get();
    }
    // Same key, same partition, after the bad ones: answered only if the stream went on.
    send(
        kafka.topics().questions(),
        key,
        "{\"requestId\":\"r-after\",\"sessionId\":\"session-bad\",\"question\":\"Who designed the Eiffel Tower?\"}");
    List<ConsumerRecord<byte[], byte[]>> answers =
        readUntil(kafka.topics().answers(), rs -> count(rs, "r-after") >= 1);
    assertEquals(1, count(answers, "r-after"));

    List<ConsumerRecord<byte[], byte[]>> dead =
        readUntil(
            kafka.topics().deadLetters(),
            rs -> rs.stream().filter(r -> key.equals(keyOf(r))).count() >= bad.length);
    List<ConsumerRecord<byte[], byte[]>> ours =
        dead.stream().filter(r -> key.equals(keyOf(r))).toList();
    assertEquals(bad.length, ours.size());
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < bad.length; i++) {
      ConsumerRecord<byte[], byte[]> d = ours.get(i);
      assertArrayEquals(bad[i], d.value(), "dead letter " + i + " keeps the original bytes");
      assertEquals(kafka.topics().questions(), header(d, DeadLetters.TOPIC));
      assertNotNull(header(d, DeadLetters.PARTITION));
      assertNotNull(header(d, DeadLetters.OFFSET));
      errors.add(header(d, DeadLetters.ERROR));
    }
    assertTrue(errors.get(0).contains("not JSON"), errors.toString());
    assertTrue(errors.get(1).contains("\"question\" is missing"), errors.toString());
    assertTrue(errors.get(2).contains("not valid UTF-8"), errors.toString());
    assertTrue(errors.get(3).contains("more than the limit"), errors.toString());
  }

  @Test
  void documentsOnTheTopicAreIndexedAndDeleted() throws Exception {
    send(
        kafka.topics().documents(),
        "doc-otters",
        "{\"id\":\"doc-otters\",\"title\":\"Sea otters\",\"text\":\"Sea otters hold hands while"
            + " they sleep so that they do not drift apart.\"}");
    awaitSearchable("otters sleep", "doc-otters", true);
    send(kafka.topics().documents(), "doc-otters", "{\"id\":\"doc-otters\",\"deleted\":true}");
    awaitSearchable("otters sleep", "doc-otters", false);
  }

  @Test
  void aDocumentGivenByPathIsParsedAndAnUnreadableOneIsADeadLetter() throws Exception {
    Path file = tmp.resolve("narwhals.md");
    java.nio.file.Files.writeString(
        file,
        "# Narwhals\n\nThe narwhal's tusk is a tooth that can grow to three metres.\n",
        StandardCharsets.UTF_8);
    send(
        kafka.topics().documents(),
        "doc-narwhals",
        JSON.writeValueAsString(java.util.Map.of("id", "doc-narwhals", "path", file.toString())));
    String missing = tmp.resolve("no-such-file.md").toString();
    send(
        kafka.topics().documents(),
        "doc-missing",
        JSON.writeValueAsString(java.util.Map.of("id", "doc-missing", "path", missing)));
    awaitSearchable("narwhal tusk", "doc-narwhals", true);
    // Shown without the heading's "# ", cited at the file's own characters (docs/formats.md).
    try (PassageIndex index =
        PassageIndex.openReadOnly(config.indexDir(), new Workspace(config).embeddingId())) {
      var p =
          index.bm25("narwhal tusk", 10).stream()
              .map(ScoredPassage::passage)
              .filter(x -> x.source().equals("doc-narwhals"))
              .findFirst()
              .orElseThrow();
      assertTrue(p.text().startsWith("Narwhals\n\nThe narwhal's tusk"), p.text());
      assertEquals(2, p.start(), "after the heading's markup");
      assertEquals(
          p.text(), java.nio.file.Files.readString(file).substring(p.start(), p.end()), "cited");
    }
    List<ConsumerRecord<byte[], byte[]>> dead =
        readUntil(
            kafka.topics().deadLetters(),
            rs -> rs.stream().anyMatch(r -> "doc-missing".equals(keyOf(r))));
    ConsumerRecord<byte[], byte[]> d =
        dead.stream().filter(r -> "doc-missing".equals(keyOf(r))).findFirst().orElseThrow();
    assertEquals(kafka.topics().documents(), header(d, DeadLetters.TOPIC));
    String error = header(d, DeadLetters.ERROR);
    assertTrue(error.contains(missing) && error.contains("not found or not allowed"), error);
  }

  @Test
  void theHttpApiAnswersAndReportsHealthAndReadiness() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.httpPort();
    assertEquals(200, get(http, base + "/healthz").statusCode());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (get(http, base + "/readyz").statusCode() != 200) {
      assertTrue(System.nanoTime() < deadline, "never ready");
      Thread.sleep(200);
    }
    HttpResponse<String> r =
        post(
            http,
            base + "/v1/ask",
            "{\"question\":\"How tall is the Eiffel Tower?\",\"sessionId\":\"web\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode a = JSON.readTree(r.body());
    assertEquals("web", a.get("sessionId").asText());
    assertTrue(a.get("answer").asText().contains("330 metres"), r.body());
    assertEquals("doc-eiffel", a.get("citations").get(0).get("source").asText());

    HttpResponse<String> sse =
        post(
            http,
            base + "/v1/ask",
            "{\"question\":\"How tall is the Eiffel Tower?\",\"stream\":true}");
    assertEquals(200, sse.statusCode(), sse.body());
    assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    String[] events = sse.body().strip().split("\n\n");
    StringBuilder partial = new StringBuilder();
    for (int i = 0; i < events.length - 1; i++) {
      assertTrue(events[i].startsWith("event: partial\ndata: "), events[i]);
      partial.append(
          JSON.readTree(events[i].substring(events[i].indexOf("data: ") + 6)).get("text").asText());
    }
    String last = events[events.length - 1];
    assertTrue(last.startsWith("event: answer\ndata: "), last);
    JsonNode streamedAnswer = JSON.readTree(last.substring(last.indexOf("data: ") + 6));
    assertEquals(streamedAnswer.get("answer").asText(), partial.toString());
    assertEquals("doc-eiffel", streamedAnswer.get("citations").get(0).get("source").asText());

    HttpResponse<String> bad = post(http, base + "/v1/ask", "{\"sessionId\":\"web\"}");
    assertEquals(400, bad.statusCode());
    assertTrue(JSON.readTree(bad.body()).get("error").asText().contains("question"), bad.body());
    assertEquals(400, post(http, base + "/v1/ask", "not json").statusCode());
  }

  /** The OpenAI chat-completions wire format, spoken by a raw HTTP client as such clients do. */
  @Test
  void theOpenAiChatCompletionsEndpointAnswersPlainAndStreaming() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String url = "http://127.0.0.1:" + server.httpPort() + "/v1/chat/completions";
    String messages =
        "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"How tall is the Eiffel Tower?\"}]";
    HttpResponse<String> plain = post(http, url, "{\"model\":\"fathom\"," + messages + "}");
    assertEquals(200, plain.statusCode(), plain.body());
    JsonNode c = JSON.readTree(plain.body());
    assertEquals("chat.completion", c.get("object").asText());
    JsonNode choice = c.get("choices").get(0);
    assertEquals("assistant", choice.get("message").get("role").asText());
    assertEquals("stop", choice.get("finish_reason").asText());
    String content = choice.get("message").get("content").asText();
    assertTrue(content.contains("330 metres") && content.contains("[1]"), content);
    assertTrue(content.contains("Sources:\n[1] The Eiffel Tower (doc-eiffel)"), content);
    assertEquals("doc-eiffel", c.get("citations").get(0).get("source").asText());

    HttpResponse<String> streamed =
        post(http, url, "{\"model\":\"fathom\",\"stream\":true," + messages + "}");
    assertEquals(200, streamed.statusCode(), streamed.body());
    assertTrue(
        streamed.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<String> data = new ArrayList<>();
    for (String line : streamed.body().split("\n")) {
      if (line.startsWith("data: ")) data.add(line.substring(6));
    }
    assertEquals("[DONE]", data.getLast());
    StringBuilder text = new StringBuilder();
    JsonNode last = null;
    for (String d : data.subList(0, data.size() - 1)) {
      last = JSON.readTree(d);
      assertEquals("chat.completion.chunk", last.get("object").asText());
      JsonNode delta = last.get("choices").get(0).get("delta");
      if (delta.has("content")) text.append(delta.get("content").asText());
    }
    assertEquals(content, text.toString(), "the deltas add up to the whole answer");
    assertEquals("stop", last.get("choices").get(0).get("finish_reason").asText());
    assertEquals("doc-eiffel", last.get("citations").get(0).get("source").asText());

    HttpResponse<String> bad = post(http, url, "{\"messages\":[]}");
    assertEquals(400, bad.statusCode());
    assertTrue(JSON.readTree(bad.body()).get("error").has("message"), bad.body());
  }

  @Test
  void documentsAddedAndDeletedOverHttpBecomeSearchableAndGoAway() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.httpPort();
    HttpResponse<String> added =
        post(
            http,
            base + "/v1/documents",
            "{\"id\":\"doc-bees\",\"title\":\"Bees\",\"text\":\"Honey bees dance to tell each"
                + " other where the flowers are.\"}");
    assertEquals(202, added.statusCode(), added.body());
    awaitHttpSearch(http, base, "doc-bees", true);
    HttpResponse<String> deleted =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/documents/doc-bees"))
                .header("Authorization", "Bearer " + API_KEY)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, deleted.statusCode(), deleted.body());
    awaitHttpSearch(http, base, "doc-bees", false);
    assertEquals(400, post(http, base + "/v1/documents", "{\"id\":\"x\"}").statusCode());
    assertEquals(400, get(http, base + "/v1/search?q=bees&k=0").statusCode());
  }

  private static void awaitHttpSearch(HttpClient http, String base, String source, boolean present)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<String> r = get(http, base + "/v1/search?q=honey+bees+dance&mode=bm25&k=5");
      assertEquals(200, r.statusCode(), r.body());
      JsonNode j = JSON.readTree(r.body());
      assertEquals("bm25", j.get("mode").asText());
      boolean found = false;
      for (JsonNode h : j.get("hits")) if (h.get("source").asText().equals(source)) found = true;
      if (found == present) return;
      assertTrue(System.nanoTime() < deadline, source + " present=" + present + " never held");
      Thread.sleep(200);
    }
  }

  @Test
  void withAnApiKeyV1RequestsNeedItAndHealthStaysOpen() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.httpPort();
    String ask = "{\"question\":\"How tall is the Eiffel Tower?\"}";
    for (String[] header :
        new String[][] {null, {"Authorization", "Bearer wrong"}, {"X-API-Key", "wrong"}}) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + "/v1/ask"))
              .POST(HttpRequest.BodyPublishers.ofString(ask));
      if (header != null) b.header(header[0], header[1]);
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, r.statusCode(), r.body());
      assertTrue(JSON.readTree(r.body()).get("error").asText().contains("API key"), r.body());
    }
    HttpResponse<String> noKeySearch =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/search?q=eiffel")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, noKeySearch.statusCode());
    HttpResponse<String> xApiKey =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/ask"))
                .header("X-API-Key", API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ask))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, xApiKey.statusCode(), xApiKey.body());
    assertEquals(200, post(http, base + "/v1/ask", ask).statusCode()); // Authorization: Bearer
    for (String open : new String[] {"/healthz", "/readyz"}) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + open)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertNotEquals(401, r.statusCode(), open);
    }
  }

  @Test
  void metricsArePrometheusTextAndCountQuestions() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.httpPort();
    HttpResponse<String> before = get(http, base + "/metrics");
    assertEquals(200, before.statusCode(), before.body());
    assertTrue(before.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    for (String name :
        new String[] {
          "fathom_questions_total",
          "fathom_answer_latency_seconds_count",
          "fathom_answer_latency_seconds_bucket{",
          "fathom_dead_letters_total",
          "fathom_errors_total",
          "fathom_questions_consumer_lag",
          "fathom_index_passages"
        }) {
      assertTrue(before.body().contains(name), name + " missing:\n" + before.body());
    }
    assertTrue(sample(before.body(), "fathom_index_passages") >= 1, before.body());
    double answered =
        sample(before.body(), "fathom_questions_total{outcome=\"answered\",source=\"http\"}");
    assertEquals(
        200,
        post(http, base + "/v1/ask", "{\"question\":\"Who designed the Eiffel Tower?\"}")
            .statusCode());
    String after = get(http, base + "/metrics").body();
    assertEquals(
        answered + 1,
        sample(after, "fathom_questions_total{outcome=\"answered\",source=\"http\"}"),
        after);
    assertTrue(sample(after, "fathom_answer_latency_seconds_count{source=\"http\"}") >= 1, after);
    assertEquals(
        401,
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode(),
        "metrics need the key too");
  }

  @Test
  void askWithServerPrintsTheAnswerLikeLocalAsk() throws Exception {
    String base = "http://127.0.0.1:" + server.httpPort();
    String[] text =
        cli("ask", "--server", base, "--api-key", API_KEY, "How tall is the Eiffel Tower?");
    assertEquals("0", text[0], text[2]);
    assertTrue(text[1].contains("330 metres"), text[1]);
    assertTrue(text[1].contains("Sources:\n[1] doc-eiffel \u2014 The Eiffel Tower"), text[1]);

    String[] json =
        cli(
            "ask",
            "--server",
            base + "/",
            "--api-key",
            API_KEY,
            "--json",
            "How tall is the Eiffel Tower?");
    assertEquals("0", json[0], json[2]);
    JsonNode a = JSON.readTree(json[1]);
    assertEquals("How tall is the Eiffel Tower?", a.get("question").asText());
    assertEquals("doc-eiffel", a.get("citations").get(0).get("source").asText());
    assertTrue(a.has("timings_ms") && !a.has("requestId"), json[1]);

    String[] noKey = cli("ask", "--server", base, "--api-key", "", "How tall?");
    assertNotEquals("0", noKey[0]);
    assertTrue(noKey[2].contains("needs an API key"), noKey[2]);
  }

  @Test
  void askWithServerThatIsNotRunningFailsWithOneLine() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String[] r = cli("ask", "--server", "http://127.0.0.1:" + closedPort, "Anyone there?");
    assertNotEquals("0", r[0]);
    assertEquals(1, r[2].strip().lines().count(), r[2]);
    assertTrue(r[2].contains("cannot reach the Fathom server"), r[2]);
  }

  /** Runs the fathom command line in this JVM: {exit code, stdout, stderr}. */
  private static synchronized String[] cli(String... args) {
    java.io.PrintStream out = System.out;
    java.io.PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = dev.fathom.ops.Fathom.run(args);
      return new String[] {
        Integer.toString(code),
        o.toString(StandardCharsets.UTF_8),
        e.toString(StandardCharsets.UTF_8)
      };
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** The value of the sample whose name and labels start the line. */
  private static double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).strip());
      }
    }
    throw new AssertionError(series + " not in the scrape:\n" + scrape);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + API_KEY)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(HttpClient http, String url, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + API_KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  // ------------------------------------------------------------------ helpers

  private static void send(String topic, String key, String value) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)))
        .get();
  }

  /** Waits until a BM25 search of the committed index finds (or no longer finds) {@code source}. */
  private static void awaitSearchable(String query, String source, boolean present)
      throws InterruptedException {
    String emb = new Workspace(config).embeddingId();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (PassageIndex.exists(config.indexDir())) {
        try (PassageIndex index = PassageIndex.openReadOnly(config.indexDir(), emb)) {
          boolean found = false;
          for (ScoredPassage p : index.bm25(query, 10)) {
            if (p.passage().source().equals(source)) found = true;
          }
          if (found == present) return;
        }
      }
      Thread.sleep(200);
    }
    fail(
        source + (present ? " never became searchable" : " was never deleted") + " within " + WAIT);
  }

  /** Reads {@code topic} from the beginning, committed records only, until {@code done} holds. */
  private static List<ConsumerRecord<byte[], byte[]>> readUntil(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(topic))
        parts.add(new TopicPartition(topic, i.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + WAIT.toNanos();
      do {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) all.add(r);
        boolean atEnd = true;
        var ends = c.endOffsets(parts);
        for (TopicPartition tp : parts) if (c.position(tp) < ends.get(tp)) atEnd = false;
        if (atEnd && done.test(all)) return all;
      } while (System.nanoTime() < deadline);
    }
    fail("no match on " + topic + " within " + WAIT + "; read " + all.size() + " records");
    return all;
  }

  private static long count(List<ConsumerRecord<byte[], byte[]>> rs, String requestId) {
    return rs.stream().filter(r -> requestId.equals(requestIdOf(r))).count();
  }

  private static ConsumerRecord<byte[], byte[]> find(
      List<ConsumerRecord<byte[], byte[]>> rs, String requestId) {
    return rs.stream().filter(r -> requestId.equals(requestIdOf(r))).findFirst().orElseThrow();
  }

  private static String requestIdOf(ConsumerRecord<byte[], byte[]> r) {
    try {
      return JSON.readTree(r.value()).path("requestId").asText(null);
    } catch (Exception e) {
      return null;
    }
  }

  private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
