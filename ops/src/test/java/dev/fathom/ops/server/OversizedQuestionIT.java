package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.ExtractiveAnswerer;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.retrieval.SearchMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 4: a question just under the topic's 16 MiB limit used to stall its partition
 * forever. Its dead letter (the value plus the dead-letter headers) was larger than the topic
 * accepts, the answer transaction failed on every retry, and the questions behind it on the same
 * partition were never answered. Real embedded broker, one partition, in-memory answer stages.
 */
class OversizedQuestionIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void aNearLimitQuestionIsCutInItsDeadLetterAndTheQuestionsBehindItAreAnswered() throws Exception {
    var topics = OnePassagePipeline.TOPICS;
    KafkaSettings kafka = new KafkaSettings("", 0, "big-it", topics, 1, 4, 4096);
    try (EmbeddedKafka broker = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
        QuestionService questions = questions()) {
      TopicSetup.ensure(broker.bootstrapServers(), kafka);
      QuestionStream stream =
          new QuestionStream(
              broker.bootstrapServers(),
              "node-1",
              kafka,
              questions,
              new QuestionIntake(new QuestionIntake.Settings(100, SearchMode.HYBRID, 5)),
              Duration.ofSeconds(10),
              new ServeMetrics(() -> 1, topics));
      Thread thread = new Thread(stream, "oversized-it");
      thread.start();
      try {
        // Fits the questions topic (16 MiB per batch) with ~100 bytes to spare: the dead-letter
        // headers (~200 bytes) would push it over.
        byte[] huge = new byte[TopicSetup.MAX_MESSAGE_BYTES - 120];
        java.util.Arrays.fill(huge, (byte) 'x');
        List<byte[]> values = new ArrayList<>();
        values.add(huge);
        for (int i = 0; i < 4; i++) {
          values.add(
              ("{\"requestId\":\"after-"
                      + i
                      + "\",\"sessionId\":\"s\",\"question\":\"How tall is the tower?\"}")
                  .getBytes(StandardCharsets.UTF_8));
        }
        send(broker.bootstrapServers(), topics.questions(), values);
        CommittedRead.awaitConsumed(
            broker.bootstrapServers(), kafka.groupId(), topics.questions(), WAIT);

        List<String> answered = new ArrayList<>();
        for (var r : CommittedRead.readToEnd(broker.bootstrapServers(), topics.answers())) {
          answered.add(JSON.readTree(r.value()).get("requestId").asText());
        }
        assertEquals(List.of("after-0", "after-1", "after-2", "after-3"), answered);
        List<ConsumerRecord<byte[], byte[]>> dead =
            CommittedRead.readToEnd(broker.bootstrapServers(), topics.deadLetters());
        assertEquals(1, dead.size());
        ConsumerRecord<byte[], byte[]> d = dead.getFirst();
        String cut = header(d, DeadLetters.TRUNCATED);
        assertNotNull(cut, "the dead letter says it was cut");
        assertTrue(cut.startsWith("value: " + huge.length + " bytes, kept the first "), cut);
        assertTrue(d.value().length <= DeadLetters.MAX_RECORD_BYTES);
        assertTrue(header(d, DeadLetters.ERROR).contains("limit"), header(d, DeadLetters.ERROR));
        assertNull(stream.failure());
      } finally {
        stream.stop();
        thread.join();
      }
    }
  }

  private static void send(String bootstrap, String topic, List<byte[]> values) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(32 << 20));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, "s".getBytes(StandardCharsets.UTF_8), v)).get();
      }
    }
  }

  private static QuestionService questions() {
    return OnePassagePipeline.questions(new ExtractiveAnswerer());
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
