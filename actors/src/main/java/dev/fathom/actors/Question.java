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
 * @param searchQuery what the retriever searches; the text itself when null. A session turn sets it
 *     to the follow-up rewritten to stand alone ("When does the lease end?" for "When does it
 *     end?"), while compression and the answer still see the user's own words.
 */
public record Question(String requestId, String text, SearchMode mode, int k, String searchQuery) {

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
    if (searchQuery == null) searchQuery = text;
    if (searchQuery.isBlank() || searchQuery.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(
          "searchQuery must be non-blank and at most "
              + MAX_TEXT_CHARS
              + " characters, got "
              + searchQuery.length());
    }
  }

  /** A question searched by its own text. */
  public Question(String requestId, String text, SearchMode mode, int k) {
    this(requestId, text, mode, k, null);
  }
}
