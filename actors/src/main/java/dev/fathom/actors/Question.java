package dev.fathom.actors;

import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.search.SearchScope;
import java.util.Objects;

/**
 * One question to answer. Built by the one intake ({@code ops.intake.QuestionIntake}) or a session;
 * the optional parts have fail-closed or neutral defaults and are set with the {@code with…}
 * methods.
 *
 * @param requestId caller-chosen id, echoed in the {@link QuestionResult}; not blank
 * @param text the question, not blank, at most {@value #MAX_TEXT_CHARS} characters
 * @param mode how passages are retrieved for it
 * @param k passages to retrieve, 1..{@value #MAX_K}
 * @param asker who asks: the retriever returns only passages this principal may read (see {@code
 *     docs/security.md}); set by the door the question came through, never by its text
 * @param rerank the ranker that reorders the retrieved passages before compression ({@code none}
 *     keeps the retrieval order)
 * @param searchQuery what the retriever searches; the text itself when null. A session turn sets it
 *     to the follow-up rewritten to stand alone ("When does the lease end?" for "When does it
 *     end?"), while compression and the answer still see the user's own words.
 * @param selfImprove answer, extract behaviors from that answer, answer again with them (the
 *     behavior handbook's self-improvement, Didolkar et al. §5); needs a language model
 * @param scope the collection searched and the metadata filter its passages must match ({@link
 *     SearchScope#DEFAULT}: the whole default collection)
 */
public record Question(
    String requestId,
    String text,
    SearchMode mode,
    int k,
    Principal asker,
    RankerKind rerank,
    String searchQuery,
    boolean selfImprove,
    SearchScope scope) {

  /** Longest question accepted, in characters. */
  public static final int MAX_TEXT_CHARS = 10_000;

  /** Most passages a question may ask the retriever for. */
  public static final int MAX_K = 1000;

  public Question {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(asker, "asker");
    Objects.requireNonNull(rerank, "rerank");
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
    if (scope == null) scope = SearchScope.DEFAULT;
    if (searchQuery == null) searchQuery = text;
    if (searchQuery.isBlank() || searchQuery.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(
          "searchQuery must be non-blank and at most "
              + MAX_TEXT_CHARS
              + " characters, got "
              + searchQuery.length());
    }
  }

  /** A question of the whole default collection. */
  public Question(
      String requestId,
      String text,
      SearchMode mode,
      int k,
      Principal asker,
      RankerKind rerank,
      String searchQuery,
      boolean selfImprove) {
    this(requestId, text, mode, k, asker, rerank, searchQuery, selfImprove, SearchScope.DEFAULT);
  }

  /**
   * A question asked by {@link Principal#anonymous()} (it sees public documents only: the
   * fail-closed default for code that has no caller to name), searched by its own text, in
   * retrieval order.
   */
  public Question(String requestId, String text, SearchMode mode, int k) {
    this(requestId, text, mode, k, Principal.anonymous(), RankerKind.NONE, null, false);
  }

  /** This question asked by {@code asker}. */
  public Question withAsker(Principal asker) {
    return new Question(requestId, text, mode, k, asker, rerank, searchQuery, selfImprove, scope);
  }

  /** This question with its passages reordered by {@code rerank}. */
  public Question withRerank(RankerKind rerank) {
    return new Question(requestId, text, mode, k, asker, rerank, searchQuery, selfImprove, scope);
  }

  /** This question searched by {@code searchQuery} (a rewritten follow-up). */
  public Question withSearchQuery(String searchQuery) {
    return new Question(requestId, text, mode, k, asker, rerank, searchQuery, selfImprove, scope);
  }

  /** This question answered with behavior-guided self-improvement when {@code selfImprove}. */
  public Question withSelfImprove(boolean selfImprove) {
    return new Question(requestId, text, mode, k, asker, rerank, searchQuery, selfImprove, scope);
  }

  /** This question searched in {@code scope} (a collection and a metadata filter). */
  public Question withScope(SearchScope scope) {
    return new Question(requestId, text, mode, k, asker, rerank, searchQuery, selfImprove, scope);
  }
}
