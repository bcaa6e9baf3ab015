package dev.fathom.ops.server;

import dev.fathom.retrieval.parse.UnreadableDocumentException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fathom.documents} into this process's index, on a dedicated thread. Every serve process
 * reads every document (a consumer group of its own, named after the node), since each holds a full
 * index.
 *
 * <p>At least once, which is exactly the right result here: indexing a document replaces whatever
 * the index held for its id, so a batch replayed after a crash ends in the same index. Each batch
 * is committed to Lucene first, then its offsets to Kafka. Unparseable values go to {@code
 * fathom.dead-letters} (flushed before the offsets are committed; a crash in between can repeat a
 * dead letter, never lose one). A {@code null} value (a compaction tombstone) deletes the document
 * named by the key.
 */
final class DocumentStream implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(DocumentStream.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

  private final KafkaSettings settings;
  private final DocumentIndexer indexer;
  private final ServeMetrics metrics;
  private final AtomicBoolean assigned = new AtomicBoolean();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> deadLetters;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable failure;

  DocumentStream(
      String bootstrapServers,
      String groupId,
      KafkaSettings settings,
      DocumentIndexer indexer,
      ServeMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.indexer = indexer;
    this.consumer = KafkaClients.documentConsumer(bootstrapServers, groupId);
    this.deadLetters = KafkaClients.deadLetterProducer(bootstrapServers);
  }

  /** True once the consumer has been assigned the document partitions (for readiness). */
  boolean assigned() {
    return assigned.get();
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      KafkaClients.subscribe(consumer, settings.topics().documents(), assigned);
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> batch;
        try {
          batch = consumer.poll(POLL);
        } catch (WakeupException e) {
          break;
        }
        if (!batch.isEmpty()) turn(batch);
      }
    } catch (Throwable t) {
      failure = t;
      metrics.error("stream_stopped");
      log.error("document stream stopped: {}", t.toString(), t);
    } finally {
      KafkaClients.leaveAndClose(consumer, "document consumer");
      KafkaClients.close(deadLetters, "dead-letter producer");
      stopped.countDown();
    }
  }

  private void turn(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      try {
        if (r.value() == null && r.key() != null) {
          indexer.delete(new String(r.key(), StandardCharsets.UTF_8));
        } else {
          indexer.apply(Inbound.document(r.value(), settings.maxValueBytes()));
        }
      } catch (PoisonMessageException | IllegalArgumentException | UnreadableDocumentException e) {
        metrics.deadLetter(r.topic(), false);
        deadLetters.send(DeadLetters.of(settings.topics().deadLetters(), r, e.getMessage()));
      }
      offsets.put(
          new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
    indexer.commit();
    deadLetters.flush();
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      running.set(false); // stopping; the batch is indexed, a replay would only repeat it
    } catch (KafkaException e) {
      if (KafkaErrors.isFatal(e)) throw e;
      // Retriable (e.g. a rebalance): the documents are indexed; a replay re-indexes them.
      metrics.error("document_commit_failed");
      log.warn("document offsets not committed, the batch may be indexed again: {}", e.toString());
      Thread.sleep(RETRY_BACKOFF);
    }
  }

  void stop() throws InterruptedException {
    running.set(false);
    consumer.wakeup();
    stopped.await();
  }
}
