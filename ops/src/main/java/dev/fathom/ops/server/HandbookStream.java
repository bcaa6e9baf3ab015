package dev.fathom.ops.server;

import dev.fathom.behaviors.handbook.Handbook;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's handbook equal to the shared one: reads the compacted {@code fathom.behaviors}
 * from the beginning on every start and applies each record ({@link Handbook#applyShared}: the
 * behavior exactly as published, or its removal), so every serve node offers the same behaviors.
 */
final class HandbookStream implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(HandbookStream.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Handbook handbook;
  private final AtomicBoolean caughtUp = new AtomicBoolean();
  private volatile boolean running = true;
  private volatile Throwable failure;
  private Map<TopicPartition, Long> endAtStart;

  HandbookStream(String bootstrap, String topic, Handbook handbook) {
    this.consumer = KafkaClients.handbookConsumer(bootstrap);
    this.topic = topic;
    this.handbook = handbook;
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      endAtStart = consumer.endOffsets(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          apply(r);
        }
        if (!caughtUp.get()
            && endAtStart.entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp.set(true);
          log.info("handbook caught up with {}: {} behaviors", topic, handbook.size());
        }
      }
    } catch (WakeupException e) {
      // stop() was called
    } catch (RuntimeException e) {
      failure = e;
      log.error("the handbook stream of {} stopped", topic, e);
    } finally {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        log.warn("closing the handbook consumer: {}", e.toString());
      }
    }
  }

  /** A bad record is logged and skipped: it must not stop every later behavior. */
  private void apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      log.warn("{} record at offset {} has no key (a behavior name); skipped", topic, r.offset());
      return;
    }
    String name = new String(r.key(), StandardCharsets.UTF_8);
    try {
      handbook.applyShared(
          name, r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      log.warn("{} record for {} at offset {} skipped: {}", topic, name, r.offset(), e.toString());
    }
  }

  /** True once every record on the topic when this node started has been applied. */
  boolean caughtUp() {
    return caughtUp.get();
  }

  Throwable failure() {
    return failure;
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }
}
