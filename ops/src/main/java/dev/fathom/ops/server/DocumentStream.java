package dev.fathom.ops.server;

import dev.fathom.retrieval.index.StreamPartition;
import dev.fathom.retrieval.parse.UnreadableDocumentException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * the index held for its id, so a batch replayed after a crash ends in the same index.
 *
 * <p><b>The index is the source of truth for where to read.</b> Each batch is committed to Lucene
 * together with the next offset of every partition it covers ({@link
 * dev.fathom.retrieval.index.PassageIndex#commit(Map)}); when partitions are assigned, the consumer
 * seeks each to the offset the index recorded, or to the beginning when the index records none (a
 * new, deleted or rebuilt index). Deleting {@code index/} therefore rebuilds it from the compacted
 * topic. The offsets are also committed to Kafka afterwards, for lag monitoring only.
 *
 * <p><b>One record never stops the stream.</b> Any failure of one record (bad JSON, a refused or
 * unreadable path, a parser bug, a {@link RuntimeException} or {@link Error} of any kind short of a
 * {@link VirtualMachineError}) becomes a record on {@code fathom.dead-letters} with the reason,
 * flushed before the index commit (a crash in between can repeat a dead letter, never lose one). A
 * {@code null} value (a compaction tombstone) deletes the document named by the key.
 *
 * <p><b>Progress watchdog.</b> The start of the batch in progress is kept; {@link
 * #stalled(Duration)} is true when one has run longer than the limit (a read that blocks, a model
 * that hangs), and {@code /readyz} then reports the server not ready.
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
  private final ProgressWatchdog progress = new ProgressWatchdog();

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
    metrics.observability().kafkaClient("document-consumer", consumer);
    this.deadLetters = KafkaClients.deadLetterProducer(bootstrapServers);
  }

  /** True once the consumer has been assigned the document partitions (for readiness). */
  boolean assigned() {
    return assigned.get();
  }

  Throwable failure() {
    return failure;
  }

  /** True while a batch has been in progress for longer than {@code limit}. */
  boolean stalled(Duration limit) {
    return progress.stalled(limit);
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(settings.topics().documents()), new SeekToApplied());
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> batch;
        try {
          batch = consumer.poll(POLL);
        } catch (WakeupException e) {
          break;
        }
        if (batch.isEmpty()) continue;
        progress.started();
        try {
          turn(batch);
        } finally {
          progress.finished();
        }
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
    Map<StreamPartition, Long> applied = new HashMap<>();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      try {
        if (r.value() == null && r.key() != null) {
          indexer.delete(new String(r.key(), StandardCharsets.UTF_8));
        } else {
          indexer.apply(Inbound.document(r.value(), settings.maxValueBytes()));
        }
      } catch (VirtualMachineError e) {
        throw e; // the JVM itself is failing: nothing here can be trusted to go on
      } catch (Throwable e) {
        metrics.deadLetter(r.topic(), false);
        sent.add(deadLetters.send(DeadLetters.of(settings.topics().deadLetters(), r, reason(e))));
      }
      offsets.put(
          new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
      applied.put(new StreamPartition(r.topic(), r.partition()), r.offset() + 1);
    }
    deadLetters.flush();
    for (Future<RecordMetadata> f : sent) awaitDeadLetter(f);
    indexer.commit(applied);
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      running.set(false); // stopping; the batch is indexed and its offsets are in the index
    } catch (KafkaException e) {
      if (KafkaErrors.isFatal(e)) throw e;
      // Only lag monitoring reads these offsets: the index holds the ones that count.
      metrics.error("document_commit_failed");
      log.warn("document offsets not committed to Kafka (the index has them): {}", e.toString());
      Thread.sleep(RETRY_BACKOFF);
    }
  }

  /**
   * The dead-letter reason for {@code e}: the message of the errors that describe bad input, the
   * type and message (and a log line with the stack) of anything else, which is a bug.
   */
  private static String reason(Throwable e) {
    if (e instanceof PoisonMessageException
        || e instanceof IllegalArgumentException
        || e instanceof UnreadableDocumentException) {
      return String.valueOf(e.getMessage());
    }
    log.warn("a document failed with an unexpected error; it goes to the dead letters", e);
    return "unexpected error: " + e;
  }

  private void awaitDeadLetter(Future<RecordMetadata> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      // Not retried: a dead letter that cannot be written would stop every document behind it.
      metrics.error("dead_letter_failed");
      log.error("a document dead letter could not be written: {}", e.getCause().toString());
    }
  }

  /** Positions each assigned partition where the index says it was applied up to. */
  private final class SeekToApplied implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<StreamPartition, Long> recorded = indexer.appliedOffsets();
      for (TopicPartition tp : partitions) {
        Long next = recorded.get(new StreamPartition(tp.topic(), tp.partition()));
        if (next == null) consumer.seekToBeginning(List.of(tp));
        else consumer.seek(tp, next);
      }
      log.info(
          "document partitions {} start at the offsets recorded in the index {} (absent: from the"
              + " beginning)",
          partitions,
          recorded);
      assigned.set(true);
    }
  }

  void stop() throws InterruptedException {
    running.set(false);
    consumer.wakeup();
    stopped.await();
  }
}
