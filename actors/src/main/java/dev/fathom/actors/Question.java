package dev.fathom.actors;

import dev.fathom.retrieval.SearchMode;
import java.util.Objects;

/**
 * One question to answer.
 *
 * @param requestId caller-chosen id, echoed in the {@link QuestionResult}; not blank
 * @param text the question, not blank, at most {@value #MAX_TEXT_CHARS} characters
 * @param mode how passages are retrieved for it
 * @param k passages to retrieve, 1..{@value #MAX_K}
 * @param selfImprove answer, extract behaviors from that answer, answer again with them
 *     (behavior-guided self-improvement, arXiv 2509.13237 §5); only with a language model and the
 *     behavior handbook on
 */
public record Question(String requestId, String text, SearchMode mode, int k, boolean selfImprove) {

  /** A question answered once. */
  public Question(String requestId, String text, SearchMode mode, int k) {
    this(requestId, text, mode, k, false);
  }

  /** A copy with {@code selfImprove} set. */
  public Question withSelfImprove(boolean on) {
    return new Question(requestId, text, mode, k, on);
  }

  /** Longest question accepted, in characters. */
  public static final int MAX_TEXT_CHARS = 10_000;

  /** Most passages a question may ask the retriever for. */
  public static final int MAX_K = 1000;

  public Question {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(mode, "mode");
    if (requestId.isBlank()) {
      throw new IllegalArgumentException("requestId must not be blank");
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException("question text must not be blank");
    }
    if (text.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(
          "question text must be at most " + MAX_TEXT_CHARS + " characters, got " + text.length());
    }
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_K + ", got " + k);
    }
  }
}
