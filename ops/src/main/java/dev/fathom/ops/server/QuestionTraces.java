package dev.fathom.ops.server;

import dev.fathom.actors.QuestionCoordinator;
import dev.fathom.actors.QuestionResult;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * OpenTelemetry traces of questions: one {@code fathom.question} span per question, a child span
 * per pipeline stage ({@code fathom.retrieve}, {@code fathom.rerank}, {@code fathom.compress},
 * {@code fathom.behaviors}, {@code fathom.answer}, …), and the W3C {@code traceparent} carried
 * across the Kafka hop: read from the question record's headers (or the HTTP request), written on
 * the answer record, so a client's trace continues through Fathom and out again.
 *
 * <p>Stage spans are recorded when the answer is ready, from the coordinator's own stage clocks
 * ({@code Answer.timingsMs}, laid end to end, as the coordinator runs its stages one after another)
 * rather than by instrumenting each actor: the actors stay free of tracing code, and a trace costs
 * nothing until the question is done. Their timestamps are therefore exact to the millisecond the
 * timings carry.
 *
 * <p>Off by default ({@link #off()}): no SDK, no exporter, no spans; a caller's {@code traceparent}
 * is still copied onto the answer, so a trace that passes through an untraced Fathom is not broken.
 */
public final class QuestionTraces implements AutoCloseable {

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final AttributeKey<String> SOURCE = AttributeKey.stringKey("fathom.source");
  private static final AttributeKey<String> REQUEST = AttributeKey.stringKey("fathom.request_id");
  private static final AttributeKey<String> FAILED_STAGE =
      AttributeKey.stringKey("fathom.failed_stage");
  private static final AttributeKey<Long> MILLIS = AttributeKey.longKey("fathom.stage.ms");

  private final SdkTracerProvider provider; // null when off
  private final Tracer tracer;

  private QuestionTraces(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider == null ? null : provider.get("dev.fathom.ops");
  }

  /** No tracing (the default). */
  public static QuestionTraces off() {
    return new QuestionTraces(null);
  }

  /** Traces exported over OTLP/HTTP per {@code settings}, or {@link #off()} when not enabled. */
  public static QuestionTraces from(TracingSettings settings) {
    if (!settings.enabled()) return off();
    SpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(settings.tracesUrl().toString()).build();
    return withProcessor(BatchSpanProcessor.builder(exporter).build(), settings.serviceName());
  }

  /** Traces handed to {@code exporter} as each span ends (tests, with an in-memory exporter). */
  static QuestionTraces exportingTo(SpanExporter exporter) {
    return withProcessor(SimpleSpanProcessor.create(exporter), "fathom");
  }

  private static QuestionTraces withProcessor(SpanProcessor processor, String serviceName) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), serviceName)));
    return new QuestionTraces(
        SdkTracerProvider.builder().setResource(resource).addSpanProcessor(processor).build());
  }

  public boolean enabled() {
    return provider != null;
  }

  /** The trace context of a Kafka record's {@code traceparent}/{@code tracestate} headers. */
  public Context extract(Headers headers) {
    return W3C.extract(Context.root(), headers, KAFKA_GETTER);
  }

  /**
   * {@code inner} run with the HTTP caller's W3C trace context ({@code traceparent} and {@code
   * tracestate} headers) current, so a question it asks takes that context as its parent ({@link
   * QuestionClock#start()}); the body routes of {@code /v1/ask} and the OpenAI API share it.
   */
  public <T> java.util.function.Function<byte[], T> withCallerContext(
      org.apache.pekko.http.javadsl.model.HttpRequest request,
      java.util.function.Function<byte[], T> inner) {
    Context caller =
        extract(
            request.getHeader("traceparent").map(h -> h.value()).orElse(null),
            request.getHeader("tracestate").map(h -> h.value()).orElse(null));
    return bytes -> {
      try (var scope = caller.makeCurrent()) {
        return inner.apply(bytes);
      }
    };
  }

  /** The trace context of an HTTP request's {@code traceparent} header (null: none). */
  public Context extract(String traceparent, String tracestate) {
    if (traceparent == null) return Context.root();
    Map<String, String> carrier =
        tracestate == null
            ? Map.of("traceparent", traceparent)
            : Map.of("traceparent", traceparent, "tracestate", tracestate);
    return W3C.extract(Context.root(), carrier, MAP_GETTER);
  }

  /**
   * Records the spans of one finished question.
   *
   * @param source {@code kafka} or {@code http}
   * @return the context to pass on with the answer: the question span's, or when tracing is off the
   *     caller's own (invalid when none came)
   */
  public SpanContext record(String source, QuestionClock start, QuestionResult result) {
    SpanContext callers = Span.fromContext(start.parent()).getSpanContext();
    if (tracer == null) return callers;
    long end = start.epochNanos() + (System.nanoTime() - start.nanos());
    Span question =
        tracer
            .spanBuilder("fathom.question")
            .setParent(start.parent())
            .setSpanKind("kafka".equals(source) ? SpanKind.CONSUMER : SpanKind.SERVER)
            .setStartTimestamp(start.epochNanos(), TimeUnit.NANOSECONDS)
            .setAttribute(SOURCE, source)
            .setAttribute(REQUEST, result.requestId())
            .startSpan();
    switch (result) {
      case QuestionResult.Answered a ->
          stages(question, a.answer().timingsMs(), start.epochNanos(), end);
      case QuestionResult.Failed f -> {
        question.setAttribute(FAILED_STAGE, f.stage());
        question.setStatus(StatusCode.ERROR, f.reason());
      }
    }
    question.end(end, TimeUnit.NANOSECONDS);
    return question.getSpanContext();
  }

  /** One child span per stage timing, laid end to end so that the last ends with the question. */
  private void stages(Span question, Map<String, Long> timingsMs, long begin, long end) {
    Context parent = Context.root().with(question);
    long total = timingsMs.getOrDefault(QuestionCoordinator.TOTAL, 0L);
    // The pipeline starts after intake; rounding to milliseconds must not put it before intake.
    long at = Math.max(begin, end - TimeUnit.MILLISECONDS.toNanos(total));
    for (Map.Entry<String, Long> t : timingsMs.entrySet()) {
      if (t.getKey().equals(QuestionCoordinator.TOTAL)) continue;
      long nanos = TimeUnit.MILLISECONDS.toNanos(t.getValue());
      tracer
          .spanBuilder("fathom." + t.getKey())
          .setParent(parent)
          .setStartTimestamp(at, TimeUnit.NANOSECONDS)
          .setAttribute(MILLIS, t.getValue())
          .startSpan()
          .end(Math.min(at + nanos, end), TimeUnit.NANOSECONDS);
      at = Math.min(at + nanos, end);
    }
  }

  /** Writes {@code context} as {@code traceparent} (and {@code tracestate}) on a record. */
  public void inject(SpanContext context, Headers headers) {
    if (!context.isValid()) return;
    headers.remove("traceparent");
    headers.remove("tracestate");
    W3C.inject(Context.root().with(Span.wrap(context)), headers, KAFKA_SETTER);
  }

  /** Exports what is buffered and stops the exporter. */
  @Override
  public void close() {
    if (provider != null) provider.close();
  }

  /** Exports what is buffered now (tests, shutdown). */
  public void flush() {
    if (provider != null) provider.forceFlush().join(10, TimeUnit.SECONDS);
  }

  private static final TextMapGetter<Headers> KAFKA_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          return () ->
              java.util.Arrays.stream(headers.toArray()).map(Header::key).distinct().iterator();
        }

        @Override
        public String get(Headers headers, String key) {
          if (headers == null) return null;
          Header h = headers.lastHeader(key);
          return h == null || h.value() == null
              ? null
              : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  private static final TextMapSetter<Headers> KAFKA_SETTER =
      (headers, key, value) -> headers.add(key, value.getBytes(StandardCharsets.UTF_8));

  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return List.copyOf(carrier.keySet());
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };
}
