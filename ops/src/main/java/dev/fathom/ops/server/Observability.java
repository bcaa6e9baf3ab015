package dev.fathom.ops.server;

import dev.fathom.actors.QuestionResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What {@code fathom serve} adds to its meters for operating it across nodes
 * (docs/observability.md):
 *
 * <ul>
 *   <li>{@code fathom_stage_latency_seconds{stage}}: each pipeline stage of an answered question
 *       ({@code retrieve}, {@code rerank}, {@code compress}, {@code behaviors}, {@code answer},
 *       self-improvement's {@code improve} and {@code reanswer}, and {@code total}, the whole
 *       question inside the pipeline), from the coordinator's stage clocks
 *   <li>JVM (memory, GC, threads, classes), process (CPU, uptime, file descriptors) and Kafka
 *       client meters (Micrometer's binders; the Kafka ones per client, tagged with its {@code
 *       client.id})
 *   <li>traces ({@link QuestionTraces}), off unless configured
 * </ul>
 *
 * Latencies are histograms with the same explicit buckets everywhere ({@link #LATENCY_BUCKETS}),
 * never client-side percentiles: a percentile computed in one process cannot be combined with
 * another's, bucket counts can ({@code histogram_quantile(0.99, sum by (le)
 * (rate(fathom_stage_latency_seconds_bucket[5m])))}).
 */
final class Observability {

  /**
   * Bucket bounds of every latency histogram: from a cached retrieval (5 ms) to a long generated
   * answer on a CPU (two minutes), roughly ×2–2.5 apart.
   */
  static final Duration[] LATENCY_BUCKETS =
      List.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000)
          .stream()
          .map(Duration::ofMillis)
          .toArray(Duration[]::new);

  /** Stages present at 0 from the start, so dashboards and rates work before the first question. */
  private static final List<String> STAGES =
      List.of("retrieve", "rerank", "compress", "behaviors", "answer", "total");

  private final MeterRegistry registry;
  private final Map<String, KafkaClientMetrics> kafkaClients = new ConcurrentHashMap<>();
  private volatile QuestionTraces traces = QuestionTraces.off();

  Observability(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    for (String stage : STAGES) stage(stage);
  }

  /** Uses {@code traces} for the questions recorded from now on (the default is off). */
  void traces(QuestionTraces traces) {
    this.traces = Objects.requireNonNull(traces, "traces");
  }

  QuestionTraces traces() {
    return traces;
  }

  /**
   * Records the stage latencies of an answered question and its trace.
   *
   * @return the trace context to carry on with the answer
   */
  SpanContext question(String source, QuestionClock start, QuestionResult result) {
    if (result instanceof QuestionResult.Answered a) {
      for (Map.Entry<String, Long> t : a.answer().timingsMs().entrySet()) {
        stage(t.getKey()).record(t.getValue(), TimeUnit.MILLISECONDS);
      }
    }
    return traces.record(source, start, result);
  }

  /**
   * Binds the meters of a Kafka consumer under {@code name}, replacing (and closing) the binding of
   * a client of the same name that was closed and reopened.
   */
  void kafkaClient(String name, Consumer<?, ?> consumer) {
    bind(name, new KafkaClientMetrics(consumer));
  }

  /** Binds the meters of a Kafka producer, as {@link #kafkaClient(String, Consumer)}. */
  void kafkaClient(String name, Producer<?, ?> producer) {
    bind(name, new KafkaClientMetrics(producer));
  }

  private void bind(String name, KafkaClientMetrics binder) {
    binder.bindTo(registry);
    KafkaClientMetrics old = kafkaClients.put(name, binder);
    if (old != null) old.close();
  }

  private Timer stage(String stage) {
    return Timer.builder("fathom.stage.latency")
        .description("Time spent in each pipeline stage of an answered question")
        .tag("stage", stage)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }
}
