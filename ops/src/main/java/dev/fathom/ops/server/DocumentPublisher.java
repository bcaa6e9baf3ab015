package dev.fathom.ops.server;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Documents that arrive over HTTP go to {@code fathom.documents}, not straight into the index: the
 * topic is the one path by which every serve process (each with a full index) learns of them.
 */
final class DocumentPublisher implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;

  DocumentPublisher(String bootstrapServers, String topic) {
    this.topic = topic;
    this.producer = KafkaClients.documentProducer(bootstrapServers);
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
