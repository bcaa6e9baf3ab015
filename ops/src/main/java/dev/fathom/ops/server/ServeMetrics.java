package dev.fathom.ops.server;

import dev.fathom.actors.QuestionResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The meters of {@code fathom serve}, scraped as Prometheus text from {@code GET /metrics}:
 *
 * <ul>
 *   <li>{@code fathom_questions_total{source,outcome}}: questions handled, by where they came from
 *       ({@code kafka}, {@code http}) and how they ended ({@code answered}, {@code failed}, {@code
 *       dead_letter})
 *   <li>{@code fathom_answer_latency_seconds{source}}: time from a question being taken to its
 *       answer being ready (a histogram with explicit buckets, plus count, sum and max)
 *   <li>{@code fathom_stage_latency_seconds{stage}}, JVM, process and Kafka-client meters: see
 *       {@link Observability} and docs/observability.md
 *   <li>{@code fathom_dead_letters_total{topic}}: records sent to the dead-letter topic, by source
 *   <li>{@code fathom_errors_total{kind}}: aborted answer transactions, uncommitted document
 *       batches, stopped streams
 *   <li>{@code fathom_questions_consumer_lag}: records of {@code fathom.questions} behind this
 *       process's consumer, summed over its partitions
 *   <li>{@code fathom_index_passages}: passages searchable in the index
 * </ul>
 *
 * <p>Questions of the Kafka path are counted when answered; a turn whose transaction is aborted is
 * answered (and counted) again, so the counter can run slightly ahead of the answers committed.
 */
public final class ServeMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong questionLag = new AtomicLong();
  private final Observability observability = new Observability(registry);

  /**
   * @param passages the number of passages searchable now (read at each scrape)
   */
  public ServeMetrics(IntSupplier passages, KafkaSettings.Topics topics) {
    Gauge.builder("fathom.questions.consumer.lag", questionLag, AtomicLong::get)
        .description("Records of the questions topic not yet read by this process")
        .register(registry);
    Gauge.builder("fathom.index.passages", passages, p -> p.getAsInt())
        .description("Passages searchable in the index")
        // Micrometer holds gauge state weakly; the supplier is a lambda nobody else keeps.
        .strongReference(true)
        .register(registry);
    for (String source : new String[] {"kafka", "http"}) {
      for (String outcome : new String[] {"answered", "failed", "dead_letter"}) {
        questions(source, outcome); // present at 0 from the start, so rates work at once
      }
      latency(source);
    }
    for (String topic : new String[] {topics.questions(), topics.documents()}) {
      deadLetters(topic);
    }
    for (String kind :
        new String[] {"answer_transaction_aborted", "document_commit_failed", "stream_stopped"}) {
      errors(kind);
    }
    for (String reason : new String[] {"header_timeout", "body_timeout", "connection_limit"}) {
      connectionsCut(reason);
    }
  }

  /**
   * Records an HTTP connection closed by {@link ConnectionGuard}: {@code header_timeout}, {@code
   * body_timeout} or {@code connection_limit}.
   */
  void httpConnectionCut(String reason) {
    connectionsCut(reason).increment();
  }

  private Counter connectionsCut(String reason) {
    return Counter.builder("fathom.http.connections.cut")
        .description("HTTP connections closed for a slow client or over the connection limit")
        .tag("reason", reason)
        .register(registry);
  }

  /** Records a question answered (or failed) {@code startNanos} ago. */
  void question(String source, long startNanos, QuestionResult result) {
    latency(source).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    questions(source, result instanceof QuestionResult.Answered ? "answered" : "failed")
        .increment();
  }

  /** Records a record sent to dead letters; questions also count as a dead-letter outcome. */
  void deadLetter(String sourceTopic, boolean question) {
    deadLetters(sourceTopic).increment();
    if (question) questions("kafka", "dead_letter").increment();
  }

  void error(String kind) {
    errors(kind).increment();
  }

  private Counter deadLetters(String sourceTopic) {
    return Counter.builder("fathom.dead.letters")
        .description("Records sent to the dead-letter topic, by the topic they came from")
        .tag("topic", sourceTopic)
        .register(registry);
  }

  private Counter errors(String kind) {
    return Counter.builder("fathom.errors")
        .description("Errors of the Kafka streams")
        .tag("kind", kind)
        .register(registry);
  }

  void questionLag(long records) {
    questionLag.set(records);
  }

  /**
   * Counts of the behavior handbook ({@code fathom_behaviors_total{event=mined|merged|offered|
   * cited}}), read from {@code counts} at each scrape.
   */
  void behaviors(dev.fathom.behaviors.eval.BehaviorMetrics counts) {
    java.util.Map<
            String, java.util.function.ToDoubleFunction<dev.fathom.behaviors.eval.BehaviorMetrics>>
        events =
            java.util.Map.of(
                "mined", m -> m.snapshot().mined(),
                "merged", m -> m.snapshot().merged(),
                "offered", m -> m.snapshot().offered(),
                "cited", m -> m.snapshot().cited());
    events.forEach(
        (event, read) ->
            io.micrometer.core.instrument.FunctionCounter.builder("fathom.behaviors", counts, read)
                .description(
                    "Behaviors mined from traces, merged into existing ones, offered in prompts"
                        + " and cited by answers")
                .tag("event", event)
                .register(registry));
  }

  /**
   * Records a question taken at {@code start}: its latency and stage latencies as histograms, and
   * its trace (see {@link Observability#question}).
   *
   * @return the trace context to carry on with the answer (invalid when there is none)
   */
  io.opentelemetry.api.trace.SpanContext question(
      String source, QuestionClock start, QuestionResult result) {
    question(source, start.nanos(), result);
    return observability.question(source, start, result);
  }

  /** Stage histograms, JVM/process/Kafka-client binders and traces ({@link Observability}). */
  Observability observability() {
    return observability;
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  private Counter questions(String source, String outcome) {
    return Counter.builder("fathom.questions")
        .description("Questions handled, by source and outcome")
        .tag("source", source)
        .tag("outcome", outcome)
        .register(registry);
  }

  private Timer latency(String source) {
    return Timer.builder("fathom.answer.latency")
        .description("Time from taking a question to its answer")
        .tag("source", source)
        // Explicit buckets, not client-side percentiles: buckets add up across nodes.
        .serviceLevelObjectives(Observability.LATENCY_BUCKETS)
        .register(registry);
  }
}
