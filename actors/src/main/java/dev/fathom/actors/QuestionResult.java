package dev.fathom.actors;

import dev.fathom.answer.Answer;
import java.util.Objects;

/** The one reply a question gets: an answer, or the stage that failed and why. */
public sealed interface QuestionResult {

  /** The {@link Question#requestId()} this result belongs to. */
  String requestId();

  /**
   * The question was answered.
   *
   * @param answer the answer, its timings filled for {@code retrieve}, {@code compress}, {@code
   *     answer} and {@code total}
   */
  record Answered(String requestId, Answer answer) implements QuestionResult {
    public Answered {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(answer, "answer");
    }
  }

  /**
   * The question was not answered.
   *
   * @param stage the stage that failed or ran out of time ({@code retrieve}, {@code rerank} — only
   *     when the question's own budget ends during ranking, since a failing ranker falls back —
   *     {@code compress}, {@code answer}), or {@code pipeline} when no stage was reached
   * @param reason what went wrong, naming the stage
   */
  record Failed(String requestId, String stage, String reason) implements QuestionResult {
    public Failed {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
