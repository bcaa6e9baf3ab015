package dev.fathom.behaviors.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What a person said about an answer, attached to its trace later by request id ({@code POST
 * /v1/answers/{requestId}/feedback}, a Kafka feedback message, or {@code fathom feedback}). The
 * strategist reads it when it reflects on the trace, so a wrong answer is reflected on as wrong.
 *
 * @param rating a score from 1 (bad) to 5 (good), or null
 * @param correct whether the answer was right, or null
 * @param comment free text, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rating", "correct", "comment"})
public record Feedback(Integer rating, Boolean correct, String comment) {
  public Feedback {
    if (rating != null && (rating < 1 || rating > 5)) {
      throw new IllegalArgumentException("feedback rating must be 1..5, got " + rating);
    }
    if (comment != null && comment.isBlank()) {
      comment = null;
    }
    if (rating == null && correct == null && comment == null) {
      throw new IllegalArgumentException(
          "feedback needs at least one of rating (1..5), correct (true/false) or comment");
    }
  }

  /** One line for a prompt: "rating 2/5, marked wrong: the year is 1871". */
  public String describe() {
    StringBuilder s = new StringBuilder();
    if (rating != null) s.append("rating ").append(rating).append("/5");
    if (correct != null) {
      if (!s.isEmpty()) s.append(", ");
      s.append(correct ? "marked correct" : "marked wrong");
    }
    if (comment != null) {
      if (!s.isEmpty()) s.append(": ");
      s.append(comment.strip());
    }
    return s.toString();
  }
}
