package dev.fathom.memory.session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What happens to a session, as an event-sourced actor persists it. Replaying a session's events
 * through {@link Transcript#apply(SessionEvent)} from {@link Transcript#EMPTY} rebuilds exactly the
 * state the session had, summary included: a summary is never recomputed on recovery, because a
 * language model need not write the same one twice.
 *
 * <p>The events are plain records with no Pekko or Jackson types, so the persisting actor chooses
 * its own serializer (Pekko's Jackson serializer reads records as they are).
 */
public sealed interface SessionEvent {

  /** When the event happened. */
  Instant at();

  /**
   * A question arrived and was rewritten into a standalone query.
   *
   * @param turn the new turn's number; must be the transcript's {@link Transcript#nextTurn()}
   * @param question the question as asked
   * @param rewrittenQuery the query that will be searched
   * @param requestId the id the caller gave the question ({@code ""} when none was recorded, as in
   *     events written before it was): a question delivered again after a crash (a Kafka batch
   *     whose transaction never committed) is recognised by it and answered from the journal
   *     instead of becoming a second turn
   * @param askedBy who asked, as the session's owner is recorded ({@code ""} when not recorded):
   *     the asker of a session's first turn owns it ({@link Transcript#owner()})
   */
  record TurnAsked(
      int turn,
      String question,
      String rewrittenQuery,
      Instant at,
      String requestId,
      String askedBy)
      implements SessionEvent {
    public TurnAsked {
      if (requestId == null) requestId = ""; // an event journaled before request ids were
      if (askedBy == null) askedBy = ""; // ... or before askers were
      Turn.asked(turn, question, rewrittenQuery, at, requestId); // validates every field
    }

    /** A question whose request id and asker are not recorded. */
    public TurnAsked(int turn, String question, String rewrittenQuery, Instant at) {
      this(turn, question, rewrittenQuery, at, "", "");
    }
  }

  /**
   * The pending turn was answered.
   *
   * @param turn the number of the pending turn
   * @param answer the answer text (may be empty, e.g. when nothing relevant was found)
   * @param citations the sources cited
   * @param behaviors the handbook behaviors used
   */
  record TurnAnswered(
      int turn, String answer, List<Citation> citations, List<String> behaviors, Instant at)
      implements SessionEvent {
    public TurnAnswered {
      if (turn < 1) throw new IllegalArgumentException("turn number is 1-based, got " + turn);
      Objects.requireNonNull(answer, "answer of turn " + turn);
      citations = List.copyOf(Objects.requireNonNull(citations, "citations of turn " + turn));
      behaviors = List.copyOf(Objects.requireNonNull(behaviors, "behaviors of turn " + turn));
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * Turns up to {@code foldedThrough} (inclusive) left the verbatim history; {@code summary} now
   * covers them and every turn folded before.
   *
   * @param foldedThrough the last folded turn, beyond the transcript's current {@link
   *     Transcript#foldedThrough()} and not beyond its last answered turn
   * @param summary the new running summary
   * @param summarizer who wrote it ({@code extractive} or a model's name), for the record
   */
  record SummaryUpdated(int foldedThrough, String summary, String summarizer, Instant at)
      implements SessionEvent {
    public SummaryUpdated {
      if (foldedThrough < 1) {
        throw new IllegalArgumentException("foldedThrough must be >= 1, got " + foldedThrough);
      }
      Objects.requireNonNull(summary, "summary");
      Turn.requireText(summarizer, "summarizer");
      Objects.requireNonNull(at, "at");
    }
  }
}
