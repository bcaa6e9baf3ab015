package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.fathom.ops.config.FathomConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 3, on the embedded KRaft broker: with an API key on HTTP, a Kafka client
 * without credentials used to produce documents and questions, read every answer, and fence the
 * server with its (guessable) transactional id, which then exited.
 */
class KafkaSecurityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir Path tmp;

  @Test
  void withAnApiKeyOnlyClientsWithTheGeneratedCredentialsGetIn() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings kafka = kafka();
    try (FathomServer server =
        FathomServer.start(config, kafka, new HttpSettings("127.0.0.1", 0, "k3y"), QUIET)) {
      String bootstrap = server.bootstrapServers();
      Path clientFile = config.dataDir().resolve(EmbeddedCredentials.CLIENT_FILE);
      for (Path f :
          List.of(clientFile, config.dataDir().resolve(EmbeddedCredentials.CREDENTIALS_FILE))) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
      }

      // No credentials: nothing gets through, neither a question nor a read of the answers.
      Properties anonymous = new Properties();
      assertThrows(
          Exception.class, () -> ask(bootstrap, anonymous, kafka, "anon"), "anonymous produce");
      assertThrows(
          KafkaException.class,
          () -> readAnswers(bootstrap, anonymous, kafka, 1),
          "anonymous read of the answers");

      // The generated client credentials: ask, and read the answer.
      Properties client = new Properties();
      try (InputStream in = Files.newInputStream(clientFile)) {
        client.load(in);
      }
      ask(bootstrap, client, kafka, "q-1");
      List<String> answered = new ArrayList<>();
      for (var r : readAnswers(bootstrap, client, kafka, 1)) {
        answered.add(JSON.readTree(r.value()).get("requestId").asText());
      }
      assertEquals(List.of("q-1"), answered);

      // ...but not write answers, nor take Fathom's transactional id.
      ExecutionException forged =
          assertThrows(
              ExecutionException.class,
              () -> send(bootstrap, client, kafka.topics().answers(), "{\"requestId\":\"x\"}"));
      assertTrue(
          forged.getCause() instanceof org.apache.kafka.common.errors.TopicAuthorizationException,
          forged.toString());
      Properties fencer = new Properties();
      fencer.putAll(client);
      fencer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config, kafka));
      fencer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
      try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, fencer)) {
        assertThrows(
            org.apache.kafka.common.errors.TransactionalIdAuthorizationException.class,
            p::initTransactions);
      }
      assertTrue(server.alive(), String.valueOf(server.failure()));
    }
  }

  /** Fencing the answer producer restarts the question stream; the process keeps answering. */
  @Test
  void aFencedAnswerProducerRestartsTheQuestionStream() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings kafka = kafka();
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      String bootstrap = server.bootstrapServers();
      Properties none = new Properties();
      ask(bootstrap, none, kafka, "before");
      readAnswers(bootstrap, none, kafka, 1);
      Properties fencer = new Properties();
      fencer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config, kafka));
      try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, fencer)) {
        p.initTransactions(); // bumps the epoch: the server's producer is now a zombie
      }
      ask(bootstrap, none, kafka, "after");
      List<String> answered = new ArrayList<>();
      for (var r : readAnswers(bootstrap, none, kafka, 2)) {
        answered.add(JSON.readTree(r.value()).get("requestId").asText());
      }
      assertEquals(List.of("before", "after"), answered);
      assertTrue(server.alive(), String.valueOf(server.failure()));
    }
  }

  private static KafkaSettings kafka() {
    KafkaSettings d = KafkaSettings.fromConfig(ConfigFactory.load());
    return new KafkaSettings("", 0, "fathom-sec-it", d.topics(), 1, 8, 64 * 1024);
  }

  private static String transactionalId(FathomConfig config, KafkaSettings kafka) throws Exception {
    String node = Files.readString(config.dataDir().resolve("node-id")).strip();
    String secret = Files.readString(config.dataDir().resolve("node-secret")).strip();
    return kafka.groupId() + "-answers-" + node + "-" + secret;
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap, Properties extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static void ask(String bootstrap, Properties auth, KafkaSettings kafka, String id)
      throws Exception {
    send(
        bootstrap,
        auth,
        kafka.topics().questions(),
        "{\"requestId\":\"" + id + "\",\"sessionId\":\"s\",\"question\":\"What is " + id + "?\"}");
  }

  private static void send(String bootstrap, Properties auth, String topic, String value)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, auth)) {
      p.send(
              new ProducerRecord<>(
                  topic,
                  "s".getBytes(StandardCharsets.UTF_8),
                  value.getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  /** Committed answers, from the beginning, once there are at least {@code n}. */
  private static List<ConsumerRecord<byte[], byte[]>> readAnswers(
      String bootstrap, Properties auth, KafkaSettings kafka, int n) {
    Properties p = new Properties();
    p.putAll(auth);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      String topic = kafka.topics().answers();
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, i.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) out.add(r);
      }
    }
    assertTrue(out.size() >= n, "answers: " + out.size() + " of " + n);
    return out;
  }
}
