package dev.fathom.ops.server;

import dev.fathom.retrieval.parse.UnreadableDocumentException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
    this.consumer = new KafkaConsumer<>(consumerProperties(bootstrapServers, groupId));
    this.deadLetters = new KafkaProducer<>(producerProperties(bootstrapServers));
  }

  private static Properties consumerProperties(String bootstrap, String groupId) {
    Properties p = new Properties();
    // The embedded broker's address, or fathom.kafka.bootstrap-servers.
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // One group per serve process: every process indexes every document.
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // Static membership: after a crash the restarted process is the same member, so it does not
    // wait for the dead one's session to expire before it gets the partitions back.
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId);
    // Offsets are committed only after the index commit that contains their documents.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Documents from an aborted transaction must never reach the index.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A new process builds its index from the whole (compacted) topic.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // One batch is embedded and committed together; 64 documents keep a batch to a few seconds.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "64");
    // Bytes: Fathom checks values itself, so a bad one becomes a dead letter instead of a
    // deserializer exception that would stop the partition.
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private static Properties producerProperties(String bootstrap) {
    Properties p = new Properties();
    // The embedded broker's address, or fathom.kafka.bootstrap-servers.
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // No duplicates from the producer's own retries; acks=all so a flushed dead letter is durable.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Dead letters carry the original value, which may be as large as the consumer fetched.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
    // Keys and values are bytes: answers are serialized by Fathom, dead letters are copied as-is.
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
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
      consumer.subscribe(
          List.of(settings.topics().documents()),
          new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
              assigned.set(true);
            }
          });
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
      try {
        // A static member stays in the group on close unless told otherwise; on a clean stop it
        // leaves, so the other serve processes take over its partitions at once.
        consumer.close(
            CloseOptions.timeout(Duration.ofSeconds(10))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        deadLetters.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        log.warn("closing the document clients: {}", e.toString());
      }
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
