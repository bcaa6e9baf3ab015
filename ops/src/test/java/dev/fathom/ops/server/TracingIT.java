package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.ScoredPassage;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Traces and metrics of {@code fathom serve} on real parts: the embedded broker, the real embedding
 * model, a Lucene index on disk, and an OTLP/HTTP receiver in this test that decodes what the
 * exporter sends (OTLP protobuf over HTTP, as a collector would receive it).
 */
class TracingIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String KEY = "tracing-it-key";

  @TempDir static Path tmp;
  static FathomConfig config;
  static KafkaSettings kafka;
  static FathomServer server;
  static KafkaProducer<byte[], byte[]> producer;
  static HttpServer collector;
  static final List<io.opentelemetry.proto.trace.v1.Span> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        ex -> {
          ExportTraceServiceRequest req =
              ExportTraceServiceRequest.parseFrom(ex.getRequestBody().readAllBytes());
          for (ResourceSpans rs : req.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) received.addAll(ss.getSpansList());
          }
          ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          ex.sendResponseHeaders(200, 0);
          ex.close();
        });
    collector.start();
    config =
        FathomConfig.from(
                com.typesafe.config.ConfigFactory.parseMap(
                        Map.of(
                            "fathom.kafka.security",
                            "off",
                            "fathom.tracing.otlp-endpoint",
                            "http://127.0.0.1:" + collector.getAddress().getPort()))
                    .withFallback(com.typesafe.config.ConfigFactory.load()))
            .withDataDir(tmp.resolve("data"));
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    kafka = new KafkaSettings("", 0, "fathom-tracing-it", defaults.topics(), 2, 8, 64 * 1024);
    server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, KEY),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
    producer
        .send(
            new ProducerRecord<>(
                kafka.topics().documents(),
                bytes("doc-eiffel"),
                bytes(
                    "{\"id\":\"doc-eiffel\",\"title\":\"The Eiffel Tower\",\"text\":\"The Eiffel"
                        + " Tower was built for the 1889 World's Fair in Paris. The tower is 330"
                        + " metres tall.\"}")))
        .get();
    awaitSearchable();
  }

  @AfterAll
  static void stop() {
    if (producer != null) producer.close();
    if (server != null) server.close();
    if (collector != null) collector.stop(0);
  }

  @Test
  void aKafkaQuestionsTraceRunsFromTheCallerThroughEachStageToTheAnswerRecord() throws Exception {
    String trace = "0af7651916cd43dd8448eb211c80319c";
    String callerSpan = "b7ad6b7169203331";
    ProducerRecord<byte[], byte[]> q =
        new ProducerRecord<>(
            kafka.topics().questions(),
            bytes("s-trace"),
            bytes(
                "{\"requestId\":\"r-trace\",\"sessionId\":\"s-trace\","
                    + "\"question\":\"How tall is the Eiffel Tower?\"}"));
    q.headers().add("traceparent", bytes("00-" + trace + "-" + callerSpan + "-01"));
    producer.send(q).get();

    ConsumerRecord<byte[], byte[]> answer = awaitAnswer("r-trace");
    String carried = new String(answer.headers().lastHeader("traceparent").value());
    Matcher m = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-01").matcher(carried);
    assertTrue(m.matches(), carried);
    assertEquals(trace, m.group(1), "the answer record continues the caller's trace");

    server.metrics().observability().traces().flush();
    List<io.opentelemetry.proto.trace.v1.Span> spans = awaitSpans(trace, 4);
    var question = named(spans, "fathom.question");
    assertEquals(callerSpan, hex(question.getParentSpanId()), "child of the caller's span");
    assertEquals(m.group(2), hex(question.getSpanId()), "the answer carries the question span");
    for (String stage : new String[] {"fathom.retrieve", "fathom.compress", "fathom.answer"}) {
      var s = named(spans, stage);
      assertEquals(hex(question.getSpanId()), hex(s.getParentSpanId()), stage);
      assertTrue(s.getStartTimeUnixNano() >= question.getStartTimeUnixNano(), stage);
      assertTrue(s.getEndTimeUnixNano() <= question.getEndTimeUnixNano(), stage);
    }
  }

  @Test
  void anHttpQuestionIsAChildOfTheRequestsTraceparent() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/ask"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + KEY)
                    .header("traceparent", "00-" + trace + "-" + callerSpan + "-01")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"question\":\"How tall is the Eiffel Tower?\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    server.metrics().observability().traces().flush();
    var question = named(awaitSpans(trace, 2), "fathom.question");
    assertEquals(callerSpan, hex(question.getParentSpanId()));
    assertEquals(
        io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER, question.getKind());
  }

  @Test
  void aChatWithEarlierTurnsStaysAChildOfTheRequestsTraceparent() throws Exception {
    // Earlier turns make the route rewrite the question on another thread before it asks.
    String trace = "5cf92f3577b34da6a3ce929d0e0e4737";
    String callerSpan = "01f067aa0ba902b8";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + server.httpPort() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + KEY)
                    .header("traceparent", "00-" + trace + "-" + callerSpan + "-01")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"messages\":["
                                + "{\"role\":\"user\",\"content\":\"Tell me about the Eiffel"
                                + " Tower.\"},"
                                + "{\"role\":\"assistant\",\"content\":\"It is in Paris.\"},"
                                + "{\"role\":\"user\",\"content\":\"How tall is it?\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    server.metrics().observability().traces().flush();
    var question = named(awaitSpans(trace, 2), "fathom.question");
    assertEquals(callerSpan, hex(question.getParentSpanId()));
  }

  @Test
  void metricsShowStageHistogramsThatCountQuestionsAndTheBinders() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String before = metrics(http);
    for (String name :
        new String[] {
          "fathom_stage_latency_seconds_bucket{stage=\"retrieve\",le=\"0.005\"}",
          "fathom_stage_latency_seconds_bucket{stage=\"total\",le=\"+Inf\"}",
          "fathom_answer_latency_seconds_bucket{source=\"kafka\",le=\"1.0\"}",
          "jvm_memory_used_bytes",
          "process_cpu_usage",
          "kafka_consumer_fetch_manager_",
          "kafka_producer_"
        }) {
      assertTrue(before.contains(name), name + " missing:\n" + before);
    }
    double retrieves = sample(before, "fathom_stage_latency_seconds_count{stage=\"retrieve\"}");
    assertEquals(
        200,
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/ask"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"Eiffel height?\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    String after = metrics(http);
    assertEquals(
        retrieves + 1,
        sample(after, "fathom_stage_latency_seconds_count{stage=\"retrieve\"}"),
        after);
    assertTrue(
        sample(after, "fathom_stage_latency_seconds_bucket{stage=\"total\",le=\"+Inf\"}")
            >= retrieves + 1);
  }

  // ------------------------------------------------------------------ helpers

  private static String metrics(HttpClient http) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                .header("Authorization", "Bearer " + KEY)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).strip());
      }
    }
    fail(series + " not in\n" + scrape);
    return 0;
  }

  private static List<io.opentelemetry.proto.trace.v1.Span> awaitSpans(String trace, int atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<io.opentelemetry.proto.trace.v1.Span> of = List.of();
    while (System.nanoTime() < deadline) {
      of = received.stream().filter(s -> hex(s.getTraceId()).equals(trace)).toList();
      if (of.size() >= atLeast) return of;
      Thread.sleep(100);
    }
    fail("the collector received " + of.size() + " spans of trace " + trace + ": " + of);
    return of;
  }

  private static io.opentelemetry.proto.trace.v1.Span named(
      List<io.opentelemetry.proto.trace.v1.Span> spans, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    name + " not among " + spans.stream().map(s -> s.getName()).toList()));
  }

  private static String hex(com.google.protobuf.ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<byte[], byte[]> awaitAnswer(String requestId) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(kafka.topics().answers())) {
        parts.add(new TopicPartition(i.topic(), i.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
          if (requestId.equals(JSON.readTree(r.value()).path("requestId").asText(null))) return r;
        }
      }
    }
    fail("no answer to " + requestId + " within " + WAIT);
    return null;
  }

  private static void awaitSearchable() throws InterruptedException {
    String emb = new Workspace(config).embeddingId();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (PassageIndex.exists(config.indexDir())) {
        try (PassageIndex index = PassageIndex.openReadOnly(config.indexDir(), emb)) {
          for (ScoredPassage p : index.bm25("Eiffel", 10)) {
            if (p.passage().source().equals("doc-eiffel")) return;
          }
        }
      }
      Thread.sleep(200);
    }
    fail("doc-eiffel never became searchable within " + WAIT);
  }
}
