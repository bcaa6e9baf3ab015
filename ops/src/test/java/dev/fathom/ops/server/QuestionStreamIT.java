package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.ExtractiveAnswerer;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.retrieval.SearchMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The question stream on its own: a real embedded broker and a pipeline of in-memory stages (one
 * passage, the extractive answerer), no index and no model. Each question gets exactly one
 * committed answer; a value the {@link QuestionIntake} refuses goes to the dead letters with the
 * same text HTTP would answer.
 */
class QuestionStreamIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static EmbeddedKafka broker;
  static QuestionService questions;
  static QuestionStream stream;
  static Thread thread;
  static KafkaSettings kafka;

  @BeforeAll
  static void start() throws Exception {
    broker = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
    var topics = OnePassagePipeline.TOPICS;
    kafka = new KafkaSettings("", 0, "qs-it", topics, 1, 4, 4096);
    TopicSetup.ensure(broker.bootstrapServers(), kafka);
    questions = OnePassagePipeline.questions(new ExtractiveAnswerer());
    stream =
        new QuestionStream(
            broker.bootstrapServers(),
            "node-1",
            kafka,
            questions,
            new QuestionIntake(new QuestionIntake.Settings(40, SearchMode.HYBRID, 5)),
            Duration.ofSeconds(10),
            new ServeMetrics(() -> 1, topics));
    thread = new Thread(stream, "question-stream-it");
    thread.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stream != null) stream.stop();
    if (questions != null) questions.close();
    if (broker != null) broker.close();
  }

  private static void send(String... values) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (String v : values) {
        producer
            .send(
                new ProducerRecord<>(
                    kafka.topics().questions(),
                    "s".getBytes(StandardCharsets.UTF_8),
                    v.getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  @Test
  void eachQuestionGetsOneAnswerAndRefusedOnesAreDeadLetteredWithTheIntakeReason()
      throws Exception {
    send(
        "{\"requestId\":\"ok-1\",\"sessionId\":\"s\",\"question\":\"How tall is the tower?\"}",
        "{\"requestId\":\"bad-k\",\"sessionId\":\"s\",\"question\":\"q\",\"k\":\"7\"}",
        "{\"requestId\":\"too-long\",\"sessionId\":\"s\",\"question\":\"" + "x".repeat(41) + "\"}",
        "{\"requestId\":\"ok-2\",\"sessionId\":\"s\",\"question\":\"And its height?\",\"k\":2}");
    CommittedRead.awaitConsumed(
        broker.bootstrapServers(), kafka.groupId(), kafka.topics().questions(), WAIT);

    List<ConsumerRecord<byte[], byte[]>> answers =
        CommittedRead.readToEnd(broker.bootstrapServers(), kafka.topics().answers());
    List<String> ids = answers.stream().map(r -> field(r, "requestId")).sorted().toList();
    assertEquals(List.of("ok-1", "ok-2"), ids, "one answer per good question, no duplicates");
    for (var r : answers) assertTrue(field(r, "answer").contains("330 metres"), field(r, "answer"));

    List<String> reasons =
        CommittedRead.readToEnd(broker.bootstrapServers(), kafka.topics().deadLetters()).stream()
            .map(
                r ->
                    new String(
                        r.headers().lastHeader(DeadLetters.ERROR).value(), StandardCharsets.UTF_8))
            .toList();
    assertEquals(
        List.of(
            "k must be an integer in 1..1000, got \"7\"",
            "the question is 41 characters long; the limit is 40 (fathom.ask.max-question-chars)"),
        reasons);

    // The answer's text was streamed on the answer-stream topic too, keyed by session.
    List<ConsumerRecord<byte[], byte[]>> pieces =
        CommittedRead.readToEnd(broker.bootstrapServers(), kafka.topics().answerStream());
    assertTrue(pieces.stream().anyMatch(r -> field(r, "requestId").equals("ok-1")));
  }

  private static String field(ConsumerRecord<byte[], byte[]> r, String name) {
    try {
      JsonNode j = JSON.readTree(r.value());
      return j.get(name).asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
