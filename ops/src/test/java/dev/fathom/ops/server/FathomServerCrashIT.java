package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once promise under a crash: a {@code fathom serve} process (its own JVM, joined to a
 * broker in this JVM) is killed with SIGKILL while it answers a stream of questions, then started
 * again on the same data directory. A read_committed reader must see exactly one answer for every
 * question: none lost, none twice.
 */
class FathomServerCrashIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int QUESTIONS = 600;
  private static final String ANSWERS = "fathom.answers";

  @TempDir Path tmp;
  private EmbeddedKafka broker;
  private Process serve;

  @AfterEach
  void stop() throws Exception {
    if (serve != null && serve.isAlive()) serve.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    if (broker != null) broker.close();
  }

  @Test
  void aServeProcessKilledMidStreamAndRestartedAnswersEveryQuestionExactlyOnce() throws Exception {
    broker = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
    Path data = tmp.resolve("data");

    serve = startServe(data, "first");
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (int i = 0; i < QUESTIONS; i++) {
        String session = "s-" + (i % 17);
        String v =
            "{\"requestId\":\"q-"
                + i
                + "\",\"sessionId\":\""
                + session
                + "\",\"question\":\"What is item "
                + i
                + "?\"}";
        p.send(
            new ProducerRecord<>(
                "fathom.questions",
                session.getBytes(StandardCharsets.UTF_8),
                v.getBytes(StandardCharsets.UTF_8)));
      }
    }
    awaitAnyAnswerWritten();
    serve.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, an open transaction left
    assertTrue(serve.waitFor(30, TimeUnit.SECONDS));
    int written = answersWritten();
    assertTrue(
        written > 0 && written < QUESTIONS,
        "killed mid-stream: "
            + written
            + " of "
            + QUESTIONS
            + " answers written (committed or not)");

    serve = startServe(data, "second");
    committedAnswers(c -> c.size() >= QUESTIONS);
    // Once every question is committed, no second answer can appear: count all there is.
    CommittedRead.awaitConsumed(broker.bootstrapServers(), "fathom", "fathom.questions", WAIT);
    Map<String, Integer> after = new java.util.HashMap<>();
    for (var r : CommittedRead.readToEnd(broker.bootstrapServers(), ANSWERS)) {
      after.merge(JSON.readTree(r.value()).get("requestId").asText(), 1, Integer::sum);
    }
    assertEquals(QUESTIONS, after.size(), "questions answered");
    for (var e : after.entrySet()) assertEquals(1, e.getValue(), "answers to " + e.getKey());
  }

  private Process startServe(Path data, String name) throws Exception {
    String root = System.getProperty("fathom.root", ".");
    Path out = tmp.resolve(name + ".out");
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + Path.of(root, "jvm.options"),
            "-Xmx1g",
            "-Dai.djl.offline=true",
            "-Dfathom.kafka.bootstrap-servers=" + broker.bootstrapServers(),
            "-Dfathom.kafka.max-in-flight=4",
            "-Dfathom.kafka.partitions=3",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.fathom.ops.Fathom",
            "serve",
            "--data",
            data.toString(),
            "--http-port",
            "-1");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.readString(out).contains("Serving from")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        fail("serve (" + name + ") did not start:\n" + Files.readString(out));
      }
      Thread.sleep(200);
    }
    return p;
  }

  /** Returns as soon as any answer record (committed or not) exists. */
  private void awaitAnyAnswerWritten() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (answersWritten() == 0) {
      if (System.nanoTime() > deadline) fail("no answer written within " + WAIT + ":\n" + tail());
      Thread.sleep(20);
    }
  }

  /** Answer records in the log, committed, aborted or open (the sum of the end offsets). */
  private int answersWritten() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(ANSWERS))
        parts.add(new TopicPartition(ANSWERS, i.partition()));
      long n = 0;
      for (long end : c.endOffsets(parts).values()) n += end;
      return (int) n;
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Committed answers per request id, read to the end, once {@code done} holds for them. */
  private Map<String, Integer> committedAnswers(
      java.util.function.Predicate<Map<String, Integer>> done) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      while (parts.isEmpty() && System.nanoTime() < deadline) {
        for (PartitionInfo i : c.partitionsFor(ANSWERS))
          parts.add(new TopicPartition(ANSWERS, i.partition()));
        if (parts.isEmpty()) Thread.sleep(200);
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          counts.merge(JSON.readTree(r.value()).get("requestId").asText(), 1, Integer::sum);
        }
        boolean atEnd = true;
        var ends = c.endOffsets(parts);
        for (TopicPartition tp : parts) if (c.position(tp) < ends.get(tp)) atEnd = false;
        if (atEnd && done.test(counts)) return counts;
      }
    }
    fail(
        "committed answers did not reach the expected state within "
            + WAIT
            + ": "
            + counts.size()
            + " request ids; serve output:\n"
            + tail());
    return counts;
  }

  private String tail() throws Exception {
    StringBuilder b = new StringBuilder();
    for (String n : new String[] {"first.out", "second.out"}) {
      Path f = tmp.resolve(n);
      if (Files.exists(f)) {
        String s = Files.readString(f);
        b.append("--- ").append(n).append('\n').append(s.substring(Math.max(0, s.length() - 3000)));
      }
    }
    return b.toString();
  }
}
