package dev.fathom.ops.server;

import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.handbook.BehaviorJson;
import dev.fathom.behaviors.trace.Feedback;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.behaviors.trace.TraceJson;
import dev.fathom.ops.config.BehaviorsConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the behavior loop's records in serve mode (docs/behaviors.md, docs/serve.md): traces to
 * {@code fathom.traces} keyed by request id, behaviors to the compacted {@code fathom.behaviors}
 * keyed by name (null = removed), feedback to {@code fathom.feedback} keyed by request id.
 */
final class BehaviorPublisher implements TraceSink, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BehaviorPublisher.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final BehaviorsConfig topics;

  BehaviorPublisher(String bootstrap, BehaviorsConfig topics) {
    this.producer = KafkaClients.behaviorProducer(bootstrap);
    this.topics = topics;
  }

  /** The trace goes to the curator; the raised use counts to every node's handbook. */
  @Override
  public void record(Trace trace, List<Behavior> usesUpdated) {
    send(topics.tracesTopic(), trace.requestId(), TraceJson.write(trace));
    for (Behavior b : usesUpdated) publish(b);
  }

  /** Sends {@code b} as the shared handbook's current version of its name. */
  CompletionStage<Void> publish(Behavior b) {
    return send(topics.behaviorsTopic(), b.name(), BehaviorJson.write(b));
  }

  /** Sends the tombstone that removes {@code name} from every node's handbook. */
  CompletionStage<Void> remove(String name) {
    return send(topics.behaviorsTopic(), name, null);
  }

  /** Sends feedback on the answer {@code requestId} for the curator. */
  CompletionStage<Void> feedback(String requestId, Feedback f) {
    return send(topics.feedbackTopic(), requestId, TraceJson.write(f));
  }

  void flush() {
    producer.flush();
  }

  private CompletionStage<Void> send(String topic, String key, String value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    producer.send(
        new ProducerRecord<>(
            topic,
            key.getBytes(StandardCharsets.UTF_8),
            value == null ? null : value.getBytes(StandardCharsets.UTF_8)),
        (meta, e) -> {
          if (e == null) {
            done.complete(null);
          } else {
            log.warn("not written to {} (key {}): {}", topic, key, e.toString());
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  @Override
  public void close() {
    KafkaClients.close(producer, "behavior producer");
  }
}
