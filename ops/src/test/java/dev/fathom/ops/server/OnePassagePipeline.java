package dev.fathom.ops.server;

import com.typesafe.config.ConfigFactory;
import dev.fathom.actors.PipelineSettings;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.Answerer;
import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.search.Retriever;
import java.time.Duration;
import java.util.List;

/**
 * The pipeline of in-memory stages the door tests (HTTP, OpenAI routes, the Kafka question stream)
 * ask through: every search finds one passage, its one sentence is the evidence, and the answerer
 * is the test's own (extractive, or a scripted or real model).
 */
final class OnePassagePipeline {
  static final Passage PASSAGE =
      new Passage("/t.md#0", "/t.md", "Tower", "The tower is 330 metres tall.", 0, 29);
  static final KafkaSettings.Topics TOPICS =
      new KafkaSettings.Topics("docs", "questions", "answers", "dead", "stream");

  private OnePassagePipeline() {}

  /** Finds {@link #PASSAGE} for every query, whoever asks. */
  static Retriever retriever() {
    return new Retriever() {
      @Override
      public List<Hit> search(String query, SearchMode mode, int k) {
        return List.of(new Hit(PASSAGE, 1f, 1));
      }

      @Override
      public List<Hit> search(String query, float[] vector, SearchMode mode, int k) {
        return search(query, mode, k);
      }

      @Override
      public List<Hit> search(String query, SearchMode mode, int k, Principal caller) {
        return search(query, mode, k);
      }
    };
  }

  /** A question service over {@code retriever}, one question at a time, answered by {@code a}. */
  static QuestionService questions(Retriever retriever, Answerer a) {
    return QuestionService.start(
        retriever,
        (question, hits) ->
            new Evidence(
                question,
                List.of(new EvidenceSentence(PASSAGE.text(), PASSAGE, 0, 29, 0.9f)),
                8,
                8),
        a,
        new PipelineSettings(1, 1, 1, Duration.ofSeconds(10)),
        ConfigFactory.load());
  }

  static QuestionService questions(Answerer a) {
    return questions(retriever(), a);
  }

  /**
   * The HTTP API over {@code questions}, without Kafka (no document route is called), taking
   * questions of up to {@code maxQuestionChars} and bodies of up to {@code maxValueBytes}.
   */
  static HttpApi api(
      QuestionService questions, Retriever retriever, int maxValueBytes, int maxQuestionChars) {
    return new HttpApi(
        questions,
        retriever,
        null,
        maxValueBytes,
        new QuestionIntake(new QuestionIntake.Settings(maxQuestionChars, SearchMode.HYBRID, 5)),
        () -> true,
        new ServeMetrics(() -> 1, TOPICS),
        "");
  }
}
