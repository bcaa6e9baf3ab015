package dev.fathom.ops.server;

import dev.fathom.actors.QuestionService;
import dev.fathom.ops.intake.QuestionIntake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Questions in, answers out, exactly once: a consumer of {@code fathom.questions} and a
 * transactional producer on one dedicated thread (Kafka clients block; they never run on a Pekko
 * dispatcher).
 *
 * <p>Each turn polls at most {@code max-in-flight} questions, answers them all concurrently through
 * the {@link QuestionService}, then in one transaction sends every answer (or dead letter) and
 * commits the consumer offsets past them ({@code sendOffsetsToTransaction} with the consumer's
 * group metadata, KIP-447). A {@code read_committed} reader of {@code fathom.answers} therefore
 * sees each question's answer exactly once: a crash before the commit aborts the answers and the
 * offsets together, and the questions are answered again by whoever owns the partition next. A
 * zombie producer is fenced by the group generation in the offsets commit.
 *
 * <p>Errors are sorted three ways. <b>Poison</b> (the value cannot be parsed) goes to {@code
 * fathom.dead-letters} in the same transaction. <b>Retriable</b> (any other {@link KafkaException}
 * during the transaction) aborts it and rewinds the consumer to the committed offsets, so the same
 * questions are answered again. <b>Fenced</b> (another producer took this node's transactional id)
 * restarts the stream with new clients, which fence the intruder in turn, and logs why.
 * <b>Fatal</b> (misconfigured, refused, see {@link KafkaErrors#isFatal}) stops the stream; the
 * serve process then exits non-zero.
 *
 * <p>A question the pipeline fails to answer (a stage failed or timed out) is not dropped: it gets
 * an answer record with {@code "answer": null} and an {@code "error": {"stage","reason"}} object. A
 * session turn whose session does not reply at all (its node died with the turn) is the exception:
 * the batch is aborted and asked again once the session has moved, and the session, which journals
 * request ids, answers it once (docs/sessions.md).
 */
final class QuestionStream implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(QuestionStream.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

  private final KafkaSettings settings;
  private final ServeMetrics metrics;
  private final QuestionRecords records;
  private final String bootstrapServers;
  private final String nodeId;
  private final Duration questionTimeout;
  // Replaced when the stream restarts after being fenced (see run).
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile KafkaProducer<byte[], byte[]> producer;
  private volatile KafkaProducer<byte[], byte[]> streamProducer;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean assigned = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable failure;

  QuestionStream(
      String bootstrapServers,
      String nodeId,
      KafkaSettings settings,
      QuestionService questions,
      QuestionIntake intake,
      Duration questionTimeout,
      ServeMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.records = new QuestionRecords(settings, metrics, questions, intake, () -> streamProducer);
    this.bootstrapServers = bootstrapServers;
    this.nodeId = nodeId;
    this.questionTimeout = questionTimeout;
    openClients();
  }

  private void openClients() {
    this.consumer =
        KafkaClients.questionConsumer(bootstrapServers, nodeId, settings, questionTimeout);
    this.producer =
        KafkaClients.answerProducer(bootstrapServers, settings.groupId() + "-answers-" + nodeId);
    this.streamProducer = KafkaClients.answerStreamProducer(bootstrapServers);
    metrics.observability().kafkaClient("question-consumer", consumer);
    metrics.observability().kafkaClient("answer-producer", producer);
  }

  /**
   * Whether a question may name its asking principal ({@code fathom.kafka.principal-claims}); set
   * before the stream starts. Off: such questions become dead letters.
   */
  void acceptPrincipalClaims(boolean accept) {
    records.acceptPrincipalClaims(accept);
  }

  /** True once the consumer has been assigned partitions (for readiness). */
  boolean assigned() {
    return assigned.get();
  }

  /** The error that stopped the stream, or null. */
  Throwable failure() {
    return failure;
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        try {
          serve();
        } catch (KafkaException e) {
          if (!KafkaErrors.fenced(e) || !running.get()) throw e;
          // Another producer took this node's transactional id (or consumer its instance id).
          // The transaction in flight is aborted by the broker; opening new clients fences the
          // intruder in turn and answers the uncommitted questions again. Exiting would let
          // whoever can fence us stop the server.
          metrics.error("question_stream_restarted");
          log.warn(
              "question stream fenced ({}); restarting it with new clients",
              KafkaErrors.rootCause(e).toString());
          closeQuietly();
          Thread.sleep(RETRY_BACKOFF);
          openClients();
        }
      }
    } catch (Throwable t) {
      failure = t;
      metrics.error("stream_stopped");
      log.error("question stream stopped: {}", t.toString(), t);
    } finally {
      closeQuietly();
      stopped.countDown();
    }
  }

  /** Polls and answers until stopped; throws what ends or restarts the stream. */
  private void serve() throws InterruptedException {
    producer.initTransactions();
    KafkaClients.subscribe(consumer, settings.topics().questions(), assigned);
    while (running.get()) {
      ConsumerRecords<byte[], byte[]> batch;
      try {
        batch = consumer.poll(POLL);
      } catch (WakeupException e) {
        return;
      }
      recordLag();
      if (!batch.isEmpty()) turn(batch);
    }
  }

  /**
   * Answers one batch and commits the answers with the offsets; retries after a retriable error.
   */
  private void turn(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
    List<CompletableFuture<ProducerRecord<byte[], byte[]>>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : batch) out.add(records.handle(r));
    try {
      CompletableFuture.allOf(out.toArray(CompletableFuture[]::new)).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (!(e.getCause() instanceof QuestionRecords.SessionUnreachable u)) throw e;
      // The node holding a session died with the turn: ask again once the session has moved. The
      // session recognises the request id, so the turn is neither lost nor answered twice.
      metrics.error("session_unreachable");
      log.warn("{}; the batch will be asked again", u.getMessage());
      rewind(batch.partitions());
      Thread.sleep(RETRY_BACKOFF);
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : batch.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> rs = batch.records(tp);
      offsets.put(tp, new OffsetAndMetadata(rs.getLast().offset() + 1));
    }
    try {
      producer.beginTransaction();
      for (CompletableFuture<ProducerRecord<byte[], byte[]>> f : out) {
        producer.send(f.join(), KafkaErrors.logFailure(log));
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
    } catch (KafkaException e) {
      if (KafkaErrors.isFatal(e) || KafkaErrors.fenced(e)) throw e;
      metrics.error("answer_transaction_aborted");
      log.warn(
          "answer transaction aborted, the questions will be answered again: {} (root cause: {})",
          e.toString(),
          KafkaErrors.rootCause(e).toString());
      producer.abortTransaction();
      rewind(batch.partitions());
      Thread.sleep(RETRY_BACKOFF);
    }
  }

  /**
   * Makes every question a turn of the session its {@code sessionId} names (when sessions are on
   * and the id is a valid session id): rewritten with that session's history, in order with its
   * other turns, wherever in the cluster the session lives.
   */
  QuestionStream withSessions(dev.fathom.actors.session.SessionService s) {
    records.withSessions(s);
    return this;
  }

  /**
   * The lag of this consumer (end offset minus position, summed over its partitions) as the
   * consumer last learned it from fetch responses; no request to the broker.
   */
  private void recordLag() {
    long lag = 0;
    for (TopicPartition tp : consumer.assignment()) lag += consumer.currentLag(tp).orElse(0);
    metrics.questionLag(lag);
  }

  /** Seeks back to the committed offsets, so an aborted turn is processed again. */
  private void rewind(Set<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(partitions);
    } catch (WakeupException e) {
      // Stopping: the uncommitted questions are answered by the partition's next owner.
      running.set(false);
      return;
    }
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = committed.get(tp);
      if (o == null) consumer.seekToBeginning(List.of(tp));
      else consumer.seek(tp, o.offset());
    }
  }

  /**
   * Stops polling; the turn in progress (answers being computed) finishes and commits first.
   * Returns once the clients are closed.
   */
  void stop() throws InterruptedException {
    running.set(false);
    consumer.wakeup();
    stopped.await();
  }

  private void closeQuietly() {
    KafkaClients.leaveAndClose(consumer, "question consumer");
    KafkaClients.close(producer, "answer producer");
    KafkaClients.close(streamProducer, "answer-stream producer");
  }
}
