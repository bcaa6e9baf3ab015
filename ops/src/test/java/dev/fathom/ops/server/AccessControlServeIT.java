package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.access.AccessLists;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.ingest.IngestListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Document-level access control end to end: a real {@code serve} (embedded broker, embedding model,
 * Lucene index) over files ingested with {@code .acl} sidecars and a default access list, asked
 * with two API keys of different principals over every door that returns text, and over Kafka with
 * principal claims. Every document and its file name carry a marker word; a response may contain
 * only the markers its caller may read.
 */
class AccessControlServeIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALICE_KEY = "alice-key-0001", BOB_KEY = "bob-key-0002";

  /** Marker → access list of the file that carries it (null = public). */
  private static final Map<String, String> DOCS =
      Map.of(
          "publicmark", "public",
          "alicemark", "user:alice",
          "engmark", "group:eng",
          "hrmark", "group:hr",
          "carolmark", "(default)");

  private static final Set<String> ALICE_SEES = Set.of("publicmark", "alicemark", "engmark");
  private static final Set<String> BOB_SEES = Set.of("publicmark", "hrmark");
  private static final Set<String> ANONYMOUS_SEES = Set.of("publicmark");

  @TempDir static Path tmp;
  static FathomServer server;
  static KafkaSettings kafka;
  static URI base;

  @BeforeAll
  static void ingestAndServe() throws Exception {
    FathomConfig config =
        FathomConfig.from(
                ConfigFactory.parseString("fathom.kafka.principal-claims = true")
                    .withFallback(ConfigFactory.load()))
            .withDataDir(tmp.resolve("data"));
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    for (var d : DOCS.entrySet()) {
      String m = d.getKey();
      Path f = docs.resolve(m + ".txt");
      Files.writeString(
          f,
          "The Falcon project status report. The Falcon project code word is "
              + m
              + ". Falcon launches in spring and the Falcon budget is set.\n");
      if (!d.getValue().equals("(default)")) {
        Files.writeString(AccessLists.sidecarOf(f), d.getValue() + "\n");
      }
    }
    // Files without a sidecar get the ingest option's list, as `fathom ingest --acl user:carol`.
    try (Workspace ws = new Workspace(config)) {
      ws.ingest(List.of(docs), new IngestListener() {}, AccessLists.parse("user:carol"));
    }
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    kafka = new KafkaSettings("", 0, "fathom-acl-it", defaults.topics(), 2, 8, 64 * 1024);
    ApiKeys keys =
        ApiKeys.of(
            "",
            List.of(
                new ApiKeys.Entry(ALICE_KEY, Principal.user("alice", Set.of("eng"))),
                new ApiKeys.Entry(BOB_KEY, Principal.user("bob", Set.of("hr")))));
    server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, "", keys),
            dev.fathom.answer.AnswerStage.extractive(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    base = URI.create("http://127.0.0.1:" + server.httpPort());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void searchSeesExactlyThePermittedDocumentsInEveryModeAndK() throws Exception {
    for (String mode : List.of("bm25", "dense", "hybrid")) {
      for (int k : List.of(1, 3, 1000)) {
        String q = "/v1/search?q=" + enc("Falcon project code word") + "&mode=" + mode + "&k=" + k;
        String alice = ok(get(q, ALICE_KEY));
        String bob = ok(get(q, BOB_KEY));
        assertOnly(ALICE_SEES, alice, mode + " k=" + k);
        assertOnly(BOB_SEES, bob, mode + " k=" + k);
        if (k == 1000) {
          assertEquals(ALICE_SEES, markers(alice), "alice, " + mode);
          assertEquals(BOB_SEES, markers(bob), "bob, " + mode);
        }
        // Asking for a forbidden marker by name finds nothing forbidden either.
        String named = ok(get("/v1/search?q=hrmark+carolmark&mode=" + mode + "&k=" + k, ALICE_KEY));
        assertOnly(ALICE_SEES, withoutQuestion(named, "hrmark carolmark"), "named " + mode);
      }
    }
  }

  @Test
  void askChatAndTheirStreamsSeeOnlyPermittedPassages() throws Exception {
    for (String key : List.of(ALICE_KEY, BOB_KEY)) {
      Set<String> sees = key.equals(ALICE_KEY) ? ALICE_SEES : BOB_SEES;
      for (String forbidden : List.of("alicemark", "engmark", "hrmark", "carolmark")) {
        String question = "What is the Falcon project code word " + forbidden + "?";
        for (boolean stream : List.of(false, true)) {
          String ask =
              ok(
                  post(
                      "/v1/ask",
                      key,
                      JSON.writeValueAsString(
                          Map.of("question", question, "k", 1000, "stream", stream))));
          assertOnly(sees, withoutQuestion(ask, question), "ask stream=" + stream);
          String chat =
              ok(
                  post(
                      "/v1/chat/completions",
                      key,
                      JSON.writeValueAsString(
                          Map.of(
                              "model",
                              "fathom",
                              "stream",
                              stream,
                              "messages",
                              List.of(Map.of("role", "user", "content", question))))));
          assertOnly(sees, withoutQuestion(chat, question), "chat stream=" + stream);
        }
      }
      // Something permitted does come back, so the checks above are not vacuous.
      String ask =
          ok(post("/v1/ask", key, "{\"question\":\"What is the Falcon project code word?\"}"));
      assertFalse(markers(ask).isEmpty(), ask);
    }
  }

  @Test
  void aSessionBelongsToThePrincipalThatStartedIt() throws Exception {
    HttpResponse<String> created = post("/v1/sessions", ALICE_KEY, "{}");
    assertEquals(201, created.statusCode(), created.body());
    String id = JSON.readTree(created.body()).get("session").asText();
    String path = "/v1/sessions/" + id;
    String first =
        ok(post(path + "/ask", ALICE_KEY, "{\"question\":\"What is the Falcon code word?\"}"));
    assertEquals(1, JSON.readTree(first).get("turn").asInt(), first);
    assertOnly(ALICE_SEES, first, "alice's session turn");

    HttpResponse<String> bobAsks =
        post(path + "/ask", BOB_KEY, "{\"question\":\"And its budget?\"}");
    assertEquals(403, bobAsks.statusCode(), bobAsks.body());
    assertOnly(Set.of(), bobAsks.body(), "the refusal");
    assertEquals(404, get(path, BOB_KEY).statusCode(), "bob does not see alice's history");
    assertEquals(404, delete(path, BOB_KEY).statusCode(), "nor delete it");

    JsonNode history = JSON.readTree(ok(get(path, ALICE_KEY)));
    assertEquals(1, history.get("turns").size(), "bob's question is no turn: " + history);
    assertEquals(200, delete(path, ALICE_KEY).statusCode());
    assertEquals(404, get(path, ALICE_KEY).statusCode());
  }

  private static HttpResponse<String> delete(String path, String key) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path)).header("X-API-Key", key).DELETE().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void anUnknownKeyIsRefused() throws Exception {
    assertEquals(401, get("/v1/search?q=Falcon", "not-a-key-at-all").statusCode());
  }

  @Test
  void kafkaQuestionsSearchAsTheirClaimedPrincipalOrAnonymous() throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    String q = "What is the Falcon project code word alicemark engmark hrmark carolmark?";
    try (var producer = new KafkaProducer<byte[], byte[]>(p)) {
      send(producer, "k-bob", q, "{\"user\":\"bob\",\"groups\":[\"hr\"]}");
      send(producer, "k-alice", q, "{\"user\":\"alice\",\"groups\":[\"eng\"]}");
      send(producer, "k-anon", q, null);
    }
    Map<String, JsonNode> answers = readAnswers(Set.of("k-bob", "k-alice", "k-anon"));
    assertOnly(BOB_SEES, answerText(answers.get("k-bob")), "kafka bob");
    assertOnly(ALICE_SEES, answerText(answers.get("k-alice")), "kafka alice");
    assertOnly(ANONYMOUS_SEES, answerText(answers.get("k-anon")), "kafka anonymous");
    assertFalse(markers(answerText(answers.get("k-bob"))).isEmpty(), "bob got no passage");
    // The answers' streamed pieces on the answer-stream topic are built from the same passages.
    Map<String, StringBuilder> pieces = readStream(Set.of("k-bob", "k-alice", "k-anon"));
    assertOnly(BOB_SEES, pieces.get("k-bob").toString(), "stream bob");
    assertOnly(ALICE_SEES, pieces.get("k-alice").toString(), "stream alice");
    assertOnly(ANONYMOUS_SEES, pieces.get("k-anon").toString(), "stream anonymous");
  }

  private static Map<String, StringBuilder> readStream(Set<String> ids) throws Exception {
    Map<String, StringBuilder> text = new java.util.HashMap<>();
    try (var consumer = new KafkaConsumer<byte[], byte[]>(readerProps("acl-it-stream"))) {
      consumer.subscribe(List.of(kafka.topics().answerStream()));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!text.keySet().containsAll(ids)) {
        assertTrue(System.nanoTime() < deadline, "pieces missing; got " + text.keySet());
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode p = JSON.readTree(r.value());
          String id = p.path("requestId").asText();
          if (ids.contains(id)) {
            text.computeIfAbsent(id, x -> new StringBuilder()).append(p.path("text").asText());
          }
        }
      }
    }
    return text;
  }

  private static Properties readerProps(String group) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return c;
  }

  // ---- helpers ----

  private static void send(KafkaProducer<byte[], byte[]> producer, String id, String q, String who)
      throws Exception {
    String v =
        "{\"requestId\":\""
            + id
            + "\",\"sessionId\":\""
            + id
            + "\",\"question\":"
            + JSON.writeValueAsString(q)
            + ",\"k\":1000"
            + (who == null ? "" : ",\"principal\":" + who)
            + "}";
    producer
        .send(
            new ProducerRecord<>(
                kafka.topics().questions(), id.getBytes(StandardCharsets.UTF_8), v.getBytes()))
        .get();
  }

  private static Map<String, JsonNode> readAnswers(Set<String> ids) throws Exception {
    Map<String, JsonNode> found = new java.util.HashMap<>();
    try (var consumer = new KafkaConsumer<byte[], byte[]>(readerProps("acl-it-reader"))) {
      consumer.subscribe(List.of(kafka.topics().answers()));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!found.keySet().containsAll(ids)) {
        assertTrue(System.nanoTime() < deadline, "answers missing; got " + found.keySet());
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode a = JSON.readTree(r.value());
          if (ids.contains(a.path("requestId").asText())) found.put(a.get("requestId").asText(), a);
        }
      }
    }
    return found;
  }

  private static String answerText(JsonNode a) {
    assertFalse(a.has("error"), a.toString());
    return withoutQuestion(a.toString(), a.get("question").asText());
  }

  /** The response without the echoed question, which names forbidden markers on purpose. */
  private static String withoutQuestion(String body, String question) {
    String escaped = question.replace("\"", "\\\"");
    return body.replace(question, "").replace(escaped, "");
  }

  private static Set<String> markers(String body) {
    String lower = body.toLowerCase(Locale.ROOT);
    Set<String> found = new java.util.TreeSet<>();
    for (String m : DOCS.keySet()) if (lower.contains(m)) found.add(m);
    return found;
  }

  private static void assertOnly(Set<String> permitted, String body, String what) {
    List<String> leaked = new ArrayList<>(markers(body));
    leaked.removeAll(permitted);
    assertTrue(leaked.isEmpty(), what + ": leaked " + leaked + " in " + body);
  }

  private static String ok(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static HttpResponse<String> get(String path, String key) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path)).header("X-API-Key", key).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static HttpResponse<String> post(String path, String key, String body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path))
              .header("Authorization", "Bearer " + key)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
