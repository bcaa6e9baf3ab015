package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuestionServiceTest {

  @Test
  void answersThroughTheFacadeAndCloses() throws Exception {
    try (var service =
        QuestionService.start(
            Fakes.retriever(),
            Fakes.compressor(),
            Fakes.answerer(),
            new PipelineSettings(2, 2, 2, Duration.ofSeconds(5)),
            ConfigFactory.load())) {
      QuestionResult result =
          service.ask(Fakes.question("svc-1")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      var answered = assertInstanceOf(QuestionResult.Answered.class, result);
      assertEquals("svc-1", answered.requestId());
      assertEquals(Fakes.ANSWER_TEXT, answered.answer().text());
    }
  }

  @Test
  void stageFailureComesBackAsAResultNotAnException() throws Exception {
    try (var service =
        QuestionService.start(
            Fakes.retriever(
                (query, mode, k) -> {
                  throw new IllegalStateException("index closed");
                }),
            Fakes.compressor(),
            Fakes.answerer(),
            new PipelineSettings(1, 1, 1, Duration.ofSeconds(5)),
            ConfigFactory.load())) {
      QuestionResult result =
          service.ask(Fakes.question("svc-2")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      var failed = assertInstanceOf(QuestionResult.Failed.class, result);
      assertEquals("retrieve", failed.stage());
    }
  }
}
