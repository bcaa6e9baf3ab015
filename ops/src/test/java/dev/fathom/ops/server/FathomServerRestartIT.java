package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.config.FathomConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts, one part at a time, with {@code fathom serve} joined to a broker of its own (the {@code
 * fathom.kafka.bootstrap-servers} path): the broker stops and starts again from its log while the
 * serve process keeps running, then the serve process stops cleanly and starts again. Questions
 * answered before a restart are not answered again, questions after it are answered, each exactly
 * once.
 */
class FathomServerRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void restartsOfTheBrokerAndOfServeAnswerEveryQuestionExactlyOnce() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    EmbeddedKafka broker = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
    String bootstrap = broker.bootstrapServers();
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    KafkaSettings kafka =
        new KafkaSettings(
            bootstrap,
            0,
            "fathom-restart-it",
            KafkaSettings.fromConfig(config.raw()).topics(),
            2,
            8,
            65536);
    List<String> asked = new ArrayList<>();
    FathomServer server = FathomServer.start(config, kafka, quiet);
    try {
      askAndAwait(bootstrap, kafka, "first", asked);

      broker.close();
      broker = EmbeddedKafka.start(tmp.resolve("kafka"), port);
      askAndAwait(bootstrap, kafka, "after-broker-restart", asked);

      server.close();
      server = FathomServer.start(config, kafka, quiet);
      askAndAwait(bootstrap, kafka, "after-serve-restart", asked);

      awaitAnswers(bootstrap, kafka, asked);
      // Once every question is committed, no second answer can appear: count all there is.
      CommittedRead.awaitConsumed(bootstrap, kafka.groupId(), kafka.topics().questions(), WAIT);
      Map<String, Integer> counts = new HashMap<>();
      for (var r : CommittedRead.readToEnd(bootstrap, kafka.topics().answers())) {
        counts.merge(JSON.readTree(r.value()).get("requestId").asText(), 1, Integer::sum);
      }
      assertEquals(Set.copyOf(asked), counts.keySet());
      for (var e : counts.entrySet()) assertEquals(1, e.getValue(), "answers to " + e.getKey());
    } finally {
      server.close();
      broker.close();
    }
  }

  private static void askAndAwait(
      String bootstrap, KafkaSettings kafka, String phase, List<String> asked) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
      for (int i = 0; i < 3; i++) {
        ask(p, kafka, phase + "-" + i);
        asked.add(phase + "-" + i);
      }
    }
    awaitAnswers(bootstrap, kafka, asked);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static void ask(KafkaProducer<byte[], byte[]> p, KafkaSettings kafka, String id)
      throws Exception {
    String session = "s-" + id;
    String v =
        "{\"requestId\":\""
            + id
            + "\",\"sessionId\":\""
            + session
            + "\",\"question\":\"What is "
            + id
            + "?\"}";
    p.send(
            new ProducerRecord<>(
                kafka.topics().questions(),
                session.getBytes(StandardCharsets.UTF_8),
                v.getBytes(StandardCharsets.UTF_8)))
        .get();
  }

  /** Committed answers per request id, once every id in {@code ids} has at least one. */
  private static Map<String, Integer> awaitAnswers(
      String bootstrap, KafkaSettings kafka, List<String> ids) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      String topic = kafka.topics().answers();
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(topic))
        parts.add(new TopicPartition(topic, i.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
          counts.merge(JSON.readTree(r.value()).get("requestId").asText(), 1, Integer::sum);
        }
        boolean atEnd = true;
        var ends = c.endOffsets(parts);
        for (TopicPartition tp : parts) if (c.position(tp) < ends.get(tp)) atEnd = false;
        if (atEnd && counts.keySet().containsAll(ids)) return counts;
      }
    }
    fail("answers for " + ids + " not all committed within " + WAIT + ": " + counts);
    return counts;
  }
}
