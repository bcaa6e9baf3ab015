package dev.fathom.ops.server;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Documents that arrive over HTTP go to {@code fathom.documents}, not straight into the index: the
 * topic is the one path by which every serve process (each with a full index) learns of them.
 */
final class DocumentPublisher implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;

  DocumentPublisher(String bootstrapServers, String topic) {
    this.topic = topic;
    Properties p = new Properties();
    // The embedded broker's address, or fathom.kafka.bootstrap-servers.
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // "Accepted" means durable on the topic: all in-sync replicas have it.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Retries never reorder or duplicate versions of a document.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // A document body may be as large as the topic accepts.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(TopicSetup.MAX_MESSAGE_BYTES));
    // Keys and values are bytes: the JSON is written by Fathom.
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  /** Completes once the broker has the record (keyed by {@code id}). */
  CompletionStage<Void> publish(String id, byte[] json) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    producer.send(
        new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), json),
        (metadata, e) -> {
          if (e == null) done.complete(null);
          else done.completeExceptionally(e);
        });
    return done;
  }

  @Override
  public void close() {
    producer.close();
  }
}
