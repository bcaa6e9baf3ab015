package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class QuestionTracesTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE + "-" + CALLER_SPAN + "-01";

  private static QuestionResult answered(String requestId) {
    Map<String, Long> t = new LinkedHashMap<>();
    t.put("retrieve", 12L);
    t.put("rerank", 30L);
    t.put("compress", 5L);
    t.put("answer", 40L);
    t.put("total", 90L);
    return new QuestionResult.Answered(
        requestId, new Answer("q?", "an answer", List.of(), Map.of()).withTimings(t));
  }

  @Test
  void aKafkaQuestionIsAChildOfTheCallerAndEachStageAChildOfTheQuestion() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (QuestionTraces traces = QuestionTraces.exportingTo(exported)) {
      RecordHeaders in = new RecordHeaders();
      in.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
      QuestionClock start = QuestionClock.start(traces.extract(in));

      // A pipeline that took 90 ms (the timings below) has finished by now.
      QuestionClock earlier =
          new QuestionClock(
              start.nanos() - TimeUnit.MILLISECONDS.toNanos(100),
              start.epochNanos() - TimeUnit.MILLISECONDS.toNanos(100),
              start.parent());
      SpanContext out = traces.record("kafka", earlier, answered("r-1"));

      List<SpanData> spans = exported.getFinishedSpanItems();
      SpanData question =
          spans.stream().filter(s -> s.getName().equals("fathom.question")).findFirst().get();
      assertEquals(TRACE, question.getTraceId());
      assertEquals(CALLER_SPAN, question.getParentSpanId());
      assertEquals(SpanKind.CONSUMER, question.getKind());
      assertEquals(
          "r-1",
          question.getAttributes().asMap().values().stream()
              .filter("r-1"::equals)
              .findFirst()
              .orElse(null));
      assertEquals(
          List.of("fathom.retrieve", "fathom.rerank", "fathom.compress", "fathom.answer"),
          spans.stream()
              .filter(s -> !s.getName().equals("fathom.question"))
              .map(SpanData::getName)
              .toList());
      long previousEnd = 0;
      for (SpanData s : spans) {
        if (s.getName().equals("fathom.question")) continue;
        assertEquals(question.getSpanId(), s.getParentSpanId(), s.getName());
        assertEquals(TRACE, s.getTraceId());
        assertTrue(s.getStartEpochNanos() >= previousEnd, "stages laid end to end");
        assertTrue(s.getStartEpochNanos() >= question.getStartEpochNanos(), s.getName());
        assertTrue(s.getEndEpochNanos() <= question.getEndEpochNanos(), s.getName());
        previousEnd = s.getEndEpochNanos();
      }
      SpanData rerank =
          spans.stream().filter(s -> s.getName().equals("fathom.rerank")).findFirst().get();
      assertEquals(
          TimeUnit.MILLISECONDS.toNanos(30),
          rerank.getEndEpochNanos() - rerank.getStartEpochNanos());

      // The answer record carries the question span on.
      assertEquals(question.getSpanId(), out.getSpanId());
      RecordHeaders answer = new RecordHeaders();
      traces.inject(out, answer);
      assertEquals(
          "00-" + TRACE + "-" + question.getSpanId() + "-01",
          new String(answer.lastHeader("traceparent").value(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFailedQuestionIsOneErrorSpanNamingTheStage() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (QuestionTraces traces = QuestionTraces.exportingTo(exported)) {
      traces.record(
          "http",
          QuestionClock.start(traces.extract(TRACEPARENT, null)),
          new QuestionResult.Failed("r-2", "retrieve", "retrieve failed: index closed"));
      SpanData only = exported.getFinishedSpanItems().getFirst();
      assertEquals(1, exported.getFinishedSpanItems().size());
      assertEquals(SpanKind.SERVER, only.getKind());
      assertEquals(StatusCode.ERROR, only.getStatus().getStatusCode());
      assertEquals("retrieve failed: index closed", only.getStatus().getDescription());
      assertEquals(CALLER_SPAN, only.getParentSpanId());
    }
  }

  @Test
  void offRecordsNothingButPassesTheCallersTraceparentOn() {
    QuestionTraces off = QuestionTraces.off();
    assertFalse(off.enabled());
    SpanContext out =
        off.record("http", QuestionClock.start(off.extract(TRACEPARENT, null)), answered("r-3"));
    RecordHeaders answer = new RecordHeaders();
    off.inject(out, answer);
    assertEquals(
        TRACEPARENT, new String(answer.lastHeader("traceparent").value(), StandardCharsets.UTF_8));

    RecordHeaders none = new RecordHeaders();
    off.inject(
        off.record("kafka", QuestionClock.start(off.extract(new RecordHeaders())), answered("r")),
        none);
    assertNull(none.lastHeader("traceparent"), "no trace came in, none goes out");
  }

  @Test
  void aMalformedTraceparentStartsANewTrace() {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    try (QuestionTraces traces = QuestionTraces.exportingTo(exported)) {
      traces.record(
          "http", QuestionClock.start(traces.extract("00-zz-yy-01", null)), answered("r-4"));
      SpanData q =
          exported.getFinishedSpanItems().stream()
              .filter(s -> s.getName().equals("fathom.question"))
              .findFirst()
              .get();
      assertFalse(q.getParentSpanContext().isValid());
    }
  }
}
