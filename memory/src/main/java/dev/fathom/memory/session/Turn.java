package dev.fathom.memory.session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One question of a session and, once given, its answer.
 *
 * @param number 1-based position in the session
 * @param question the question as the user asked it, non-blank
 * @param rewrittenQuery the standalone query that was searched (equal to the question when no
 *     rewrite was needed), non-blank
 * @param askedAt when the question arrived
 * @param answer the answer text; empty while the turn is pending
 * @param citations sources the answer cited, in citation order
 * @param behaviors names of the handbook behaviors the answer used
 * @param answeredAt when the answer was given; {@code null} while the turn is pending
 * @param requestId the caller's id of the question, {@code ""} when not recorded; a question
 *     delivered again with the same id is this turn, not a new one
 */
public record Turn(
    int number,
    String question,
    String rewrittenQuery,
    Instant askedAt,
    String answer,
    List<Citation> citations,
    List<String> behaviors,
    Instant answeredAt,
    String requestId) {

  public Turn {
    if (requestId == null) requestId = ""; // a snapshot taken before request ids were recorded
    if (number < 1) {
      throw new IllegalArgumentException("turn number is 1-based, got " + number);
    }
    requireText(question, "question of turn " + number);
    requireText(rewrittenQuery, "rewrittenQuery of turn " + number);
    Objects.requireNonNull(askedAt, "askedAt of turn " + number);
    Objects.requireNonNull(answer, "answer of turn " + number);
    citations = List.copyOf(Objects.requireNonNull(citations, "citations of turn " + number));
    behaviors = List.copyOf(Objects.requireNonNull(behaviors, "behaviors of turn " + number));
    if (answeredAt == null && (!answer.isEmpty() || !citations.isEmpty() || !behaviors.isEmpty())) {
      throw new IllegalArgumentException(
          "turn " + number + " has no answeredAt but carries an answer, citations or behaviors");
    }
  }

  /** A turn without a recorded request id. */
  public Turn(
      int number,
      String question,
      String rewrittenQuery,
      Instant askedAt,
      String answer,
      List<Citation> citations,
      List<String> behaviors,
      Instant answeredAt) {
    this(number, question, rewrittenQuery, askedAt, answer, citations, behaviors, answeredAt, "");
  }

  /** A turn just asked, not answered yet, without a recorded request id. */
  public static Turn asked(int number, String question, String rewrittenQuery, Instant at) {
    return asked(number, question, rewrittenQuery, at, "");
  }

  /** A turn just asked with request id {@code requestId}, not answered yet. */
  public static Turn asked(
      int number, String question, String rewrittenQuery, Instant at, String requestId) {
    return new Turn(
        number, question, rewrittenQuery, at, "", List.of(), List.of(), null, requestId);
  }

  /** This turn with its answer. */
  public Turn answered(
      String answerText, List<Citation> cited, List<String> behaviorsUsed, Instant at) {
    Objects.requireNonNull(at, "answeredAt of turn " + number);
    return new Turn(
        number, question, rewrittenQuery, askedAt, answerText, cited, behaviorsUsed, at, requestId);
  }

  /** Whether the answer has been given. */
  public boolean isAnswered() {
    return answeredAt != null;
  }

  static void requireText(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + " must be non-blank, got '" + text + "'");
    }
  }
}
