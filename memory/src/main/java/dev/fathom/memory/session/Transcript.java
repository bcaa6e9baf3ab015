package dev.fathom.memory.session;

import dev.fathom.memory.session.SessionEvent.SummaryUpdated;
import dev.fathom.memory.session.SessionEvent.TurnAnswered;
import dev.fathom.memory.session.SessionEvent.TurnAsked;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one session: every turn (the full history that {@code GET /v1/sessions/{id}} shows)
 * and the running summary that stands for the turns folded out of the verbatim memory.
 *
 * <p>{@link #apply(SessionEvent)} is the only state transition and is pure, so an event-sourced
 * actor uses it both as its event handler and on recovery. It rejects an event that does not fit
 * the state (a second question while one is pending, an answer to another turn, a fold that goes
 * backwards) with an {@link IllegalStateException}: the actor validates a command by applying the
 * event it is about to persist.
 *
 * @param turns all turns, numbered 1..n in order; only the last may be pending
 * @param summary the running summary of turns 1..{@code foldedThrough}; empty when none is folded
 * @param foldedThrough the last turn the summary covers, 0 when none
 * @param owner who asked the first turn and so owns the session (the asking layer's name for a
 *     principal); {@code ""} for a session with no turns or journaled before owners were recorded
 */
public record Transcript(List<Turn> turns, String summary, int foldedThrough, String owner) {

  /** A session with no turns. */
  public static final Transcript EMPTY = new Transcript(List.of(), "", 0, "");

  /** A transcript whose owner is not recorded. */
  public Transcript(List<Turn> turns, String summary, int foldedThrough) {
    this(turns, summary, foldedThrough, "");
  }

  public Transcript {
    turns = List.copyOf(Objects.requireNonNull(turns, "turns"));
    Objects.requireNonNull(summary, "summary");
    if (owner == null) owner = ""; // a snapshot taken before owners were recorded
    for (int i = 0; i < turns.size(); i++) {
      if (turns.get(i).number() != i + 1) {
        throw new IllegalArgumentException(
            "turn at position "
                + i
                + " must be number "
                + (i + 1)
                + ", got "
                + turns.get(i).number());
      }
      if (i < turns.size() - 1 && !turns.get(i).isAnswered()) {
        throw new IllegalArgumentException(
            "only the last turn may be pending, turn " + (i + 1) + " is");
      }
    }
    if (foldedThrough < 0 || foldedThrough > answeredCount(turns)) {
      throw new IllegalArgumentException(
          "foldedThrough must be in [0, " + answeredCount(turns) + "], got " + foldedThrough);
    }
  }

  /** The state after {@code event}. */
  public Transcript apply(SessionEvent event) {
    return switch (Objects.requireNonNull(event, "event")) {
      case TurnAsked e -> asked(e);
      case TurnAnswered e -> answered(e);
      case SummaryUpdated e -> summarized(e);
    };
  }

  /** Replays {@code events} from {@code start}, as recovery does. */
  public static Transcript replay(Transcript start, Iterable<? extends SessionEvent> events) {
    Transcript t = start;
    for (SessionEvent e : events) t = t.apply(e);
    return t;
  }

  /** The number the next question gets. */
  public int nextTurn() {
    return turns.size() + 1;
  }

  /** The turn asked and not yet answered, if any. */
  public Optional<Turn> pending() {
    return turns.isEmpty() || turns.getLast().isAnswered()
        ? Optional.empty()
        : Optional.of(turns.getLast());
  }

  /**
   * The turn asked with {@code requestId}, if any: a question delivered again (after its node died
   * before the delivery was acknowledged) is that turn, answered or pending, not a new one. An
   * empty id (not recorded) matches nothing.
   */
  public Optional<Turn> turnFor(String requestId) {
    if (requestId == null || requestId.isEmpty()) return Optional.empty();
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (turns.get(i).requestId().equals(requestId)) return Optional.of(turns.get(i));
    }
    return Optional.empty();
  }

  /** The number of the last answered turn, 0 when none. */
  public int lastAnswered() {
    return answeredCount(turns);
  }

  /**
   * What goes into retrieval and a prompt: the running summary and the answered turns not folded
   * into it. A pending turn is the question being answered, not history.
   */
  public MemoryWindow window() {
    return new MemoryWindow(summary, turns.subList(foldedThrough, lastAnswered()));
  }

  private Transcript asked(TurnAsked e) {
    pending()
        .ifPresent(
            p -> {
              throw new IllegalStateException(
                  "turn "
                      + p.number()
                      + " is still pending; turn "
                      + e.turn()
                      + " cannot be asked");
            });
    if (e.turn() != nextTurn()) {
      throw new IllegalStateException("the next turn is " + nextTurn() + ", got " + e.turn());
    }
    turnFor(e.requestId())
        .ifPresent(
            t -> {
              throw new IllegalStateException(
                  "request "
                      + e.requestId()
                      + " is turn "
                      + t.number()
                      + " already; it cannot be asked again as turn "
                      + e.turn());
            });
    List<Turn> next = new ArrayList<>(turns);
    next.add(Turn.asked(e.turn(), e.question(), e.rewrittenQuery(), e.at(), e.requestId()));
    return new Transcript(next, summary, foldedThrough, turns.isEmpty() ? e.askedBy() : owner);
  }

  private Transcript answered(TurnAnswered e) {
    Turn p =
        pending()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no turn is pending; cannot answer turn " + e.turn()));
    if (p.number() != e.turn()) {
      throw new IllegalStateException(
          "turn " + p.number() + " is pending, got an answer to " + e.turn());
    }
    List<Turn> next = new ArrayList<>(turns);
    next.set(next.size() - 1, p.answered(e.answer(), e.citations(), e.behaviors(), e.at()));
    return new Transcript(next, summary, foldedThrough, owner);
  }

  private Transcript summarized(SummaryUpdated e) {
    if (e.foldedThrough() <= foldedThrough || e.foldedThrough() > lastAnswered()) {
      throw new IllegalStateException(
          "a fold must cover turns in ("
              + foldedThrough
              + ", "
              + lastAnswered()
              + "], got foldedThrough "
              + e.foldedThrough());
    }
    return new Transcript(turns, e.summary(), e.foldedThrough(), owner);
  }

  private static int answeredCount(List<Turn> turns) {
    return turns.isEmpty() || turns.getLast().isAnswered() ? turns.size() : turns.size() - 1;
  }
}
