package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.actors.QuestionResult;
import org.junit.jupiter.api.Test;

class ServeMetricsTest {

  private static final KafkaSettings.Topics TOPICS =
      new KafkaSettings.Topics("docs", "questions", "answers", "dead", "stream");

  @Test
  void everySeriesIsThereFromTheStart() {
    String scrape = new ServeMetrics(() -> 7, TOPICS).scrape();
    assertTrue(scrape.contains("fathom_index_passages 7.0"), scrape);
    assertTrue(scrape.contains("fathom_questions_consumer_lag 0.0"), scrape);
    assertTrue(
        scrape.contains("fathom_questions_total{outcome=\"dead_letter\",source=\"kafka\"} 0.0"),
        scrape);
    assertTrue(scrape.contains("fathom_dead_letters_total{topic=\"docs\"} 0.0"), scrape);
    assertTrue(scrape.contains("fathom_errors_total{kind=\"stream_stopped\"} 0.0"), scrape);
  }

  @Test
  void questionsDeadLettersErrorsAndLagAreCounted() {
    ServeMetrics m = new ServeMetrics(() -> 0, TOPICS);
    m.question("kafka", System.nanoTime(), new QuestionResult.Failed("r-1", "retrieve", "boom"));
    m.deadLetter("questions", true);
    m.deadLetter("docs", false);
    m.error("answer_transaction_aborted");
    m.questionLag(42);
    String scrape = m.scrape();
    assertTrue(
        scrape.contains("fathom_questions_total{outcome=\"failed\",source=\"kafka\"} 1.0"), scrape);
    assertTrue(
        scrape.contains("fathom_questions_total{outcome=\"dead_letter\",source=\"kafka\"} 1.0"),
        scrape);
    assertTrue(scrape.contains("fathom_dead_letters_total{topic=\"docs\"} 1.0"), scrape);
    assertTrue(scrape.contains("fathom_dead_letters_total{topic=\"questions\"} 1.0"), scrape);
    assertTrue(
        scrape.contains("fathom_errors_total{kind=\"answer_transaction_aborted\"} 1.0"), scrape);
    assertTrue(scrape.contains("fathom_questions_consumer_lag 42.0"), scrape);
    assertTrue(scrape.contains("fathom_answer_latency_seconds_count{source=\"kafka\"} 1"), scrape);
  }

  @Test
  void latenciesAreHistogramsWithExplicitBucketsPerStage() {
    ServeMetrics m = new ServeMetrics(() -> 0, TOPICS);
    String before = m.scrape();
    assertTrue(
        before.contains("fathom_stage_latency_seconds_bucket{stage=\"retrieve\",le=\"0.005\"} 0"),
        before);
    assertTrue(
        before.contains("fathom_answer_latency_seconds_bucket{source=\"http\",le=\"120.0\"} 0"),
        before);
    assertFalse(before.contains("quantile="), "no client-side percentiles");
    java.util.Map<String, Long> t = new java.util.LinkedHashMap<>();
    t.put("retrieve", 7L);
    t.put("answer", 300L);
    t.put("total", 310L);
    m.question(
        "http",
        QuestionClock.start(),
        new QuestionResult.Answered(
            "r-1",
            new dev.fathom.answer.Answer("q", "a", java.util.List.of(), java.util.Map.of())
                .withTimings(t)));
    String after = m.scrape();
    assertTrue(
        after.contains("fathom_stage_latency_seconds_bucket{stage=\"retrieve\",le=\"0.005\"} 0"),
        after);
    assertTrue(
        after.contains("fathom_stage_latency_seconds_bucket{stage=\"retrieve\",le=\"0.01\"} 1"),
        after);
    assertTrue(
        after.contains("fathom_stage_latency_seconds_bucket{stage=\"answer\",le=\"0.25\"} 0"),
        after);
    assertTrue(
        after.contains("fathom_stage_latency_seconds_bucket{stage=\"answer\",le=\"0.5\"} 1"),
        after);
    assertTrue(after.contains("fathom_stage_latency_seconds_count{stage=\"total\"} 1"), after);
    assertTrue(after.contains("fathom_answer_latency_seconds_count{source=\"http\"} 1"), after);
  }

  @Test
  void jvmAndProcessMetersAreBound() {
    String scrape = new ServeMetrics(() -> 0, TOPICS).scrape();
    for (String name :
        new String[] {
          "jvm_memory_used_bytes",
          "jvm_gc_",
          "jvm_threads_live_threads",
          "process_cpu_usage",
          "process_uptime_seconds",
          "jvm_classes_loaded_classes"
        }) {
      assertTrue(scrape.contains(name), name + " missing");
    }
  }
}
