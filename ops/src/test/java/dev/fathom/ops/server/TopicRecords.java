package dev.fathom.ops.server;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes one record to a topic of a test's broker and waits until the broker has it. */
final class TopicRecords {
  private TopicRecords() {}

  /**
   * Sends {@code value} (null: a tombstone) under {@code key} to {@code topic} and blocks until it
   * is acknowledged, so that what the test reads next was sent before it.
   */
  static void send(String bootstrapServers, String topic, String key, byte[] value)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }
  }

  /** {@link #send(String, String, String, byte[])} of a UTF-8 text, or a tombstone for null. */
  static void send(String bootstrapServers, String topic, String key, String value)
      throws Exception {
    send(
        bootstrapServers,
        topic,
        key,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }
}
