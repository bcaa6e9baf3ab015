package dev.fathom.ops.server;

import dev.fathom.actors.CuratorActor;
import dev.fathom.behaviors.curation.BehaviorCurator;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.trace.Feedback;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.behaviors.trace.TraceJson;
import dev.fathom.ops.config.BehaviorsConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serve-mode curation pipeline, off every answer's path: consumes {@code fathom.traces} and
 * {@code fathom.feedback}, has the {@link CuratorActor} reflect on each trace and extract behaviors
 * (arXiv 2509.13237 §3), and publishes every stored behavior to {@code fathom.behaviors}. Offsets
 * are committed after the behaviors are on the topic: at least once.
 *
 * <p>Feedback arrives after its answer's trace was curated, so the stream remembers the last
 * {@value #REMEMBERED} traces and curates a trace again with its feedback; feedback on a trace it
 * does not remember (older, or curated by another node before a rebalance) is logged and skipped.
 * Curation is bounded: one trace at a time, a few traces per poll.
 */
final class CurationStream implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(CurationStream.class);

  /** Traces remembered for their feedback. */
  static final int REMEMBERED = 10_000;

  /** The most one curation (two strategist generations) may take. */
  private static final Duration CURATION_TIMEOUT = Duration.ofMinutes(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final BehaviorsConfig topics;
  private final ActorRef<CuratorActor.Command> curator;
  private final ActorSystem<?> system;
  private final BehaviorPublisher publisher;
  private final Map<String, Trace> recent =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Trace> eldest) {
          return size() > REMEMBERED;
        }
      };
  private volatile boolean running = true;
  private volatile Throwable failure;

  CurationStream(
      String bootstrap,
      String groupId,
      BehaviorsConfig topics,
      ActorRef<CuratorActor.Command> curator,
      ActorSystem<?> system,
      BehaviorPublisher publisher) {
    this.consumer = KafkaClients.curationConsumer(bootstrap, groupId);
    this.topics = topics;
    this.curator = curator;
    this.system = system;
    this.publisher = publisher;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topics.tracesTopic(), topics.feedbackTopic()));
      while (running) {
        var records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) continue;
        for (ConsumerRecord<byte[], byte[]> r : records) handle(r);
        publisher.flush();
        consumer.commitSync();
      }
    } catch (WakeupException e) {
      // stop() was called
    } catch (RuntimeException e) {
      failure = e;
      log.error("the curation stream stopped", e);
    } finally {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        log.warn("closing the curation consumer: {}", e.toString());
      }
    }
  }

  /** One record; a bad one is logged and skipped, never retried forever. */
  private void handle(ConsumerRecord<byte[], byte[]> r) {
    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) return;
    String value = new String(r.value(), StandardCharsets.UTF_8);
    Trace trace;
    try {
      if (r.topic().equals(topics.tracesTopic())) {
        trace = TraceJson.readTrace(value);
      } else {
        Trace earlier = recent.get(key);
        if (earlier == null) {
          log.info(
              "feedback on {} skipped: its trace is not among the {} this curator remembers",
              key,
              REMEMBERED);
          return;
        }
        Feedback f = TraceJson.readFeedback(value);
        trace = earlier.withFeedback(f);
      }
    } catch (RuntimeException e) {
      log.warn("{} record {} at offset {} skipped: {}", r.topic(), key, r.offset(), e.toString());
      return;
    }
    recent.put(trace.requestId(), trace);
    curate(trace);
  }

  private void curate(Trace trace) {
    BehaviorCurator.Curation c;
    try {
      c =
          AskPattern.<CuratorActor.Command, BehaviorCurator.Curation>askWithStatus(
                  curator,
                  replyTo -> new CuratorActor.Curate(trace, replyTo),
                  CURATION_TIMEOUT,
                  system.scheduler())
              .toCompletableFuture()
              .get(CURATION_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    } catch (Exception e) {
      log.warn("trace {} not curated: {}", trace.requestId(), e.toString());
      return;
    }
    for (Handbook.Change change : c.changes()) publisher.publish(change.stored());
    log.info(
        "trace {} curated: {} behaviors ({} new)",
        trace.requestId(),
        c.changes().size(),
        c.added());
  }

  Throwable failure() {
    return failure;
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }
}
