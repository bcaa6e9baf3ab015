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
}
