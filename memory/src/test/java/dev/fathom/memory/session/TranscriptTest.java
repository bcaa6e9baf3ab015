package dev.fathom.memory.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.memory.session.SessionEvent.SummaryUpdated;
import dev.fathom.memory.session.SessionEvent.TurnAnswered;
import dev.fathom.memory.session.SessionEvent.TurnAsked;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final List<Citation> LEASE = List.of(new Citation("docs/lease.pdf", "Lease"));

  @Test
  void askThenAnswerRecordsTheTurn() {
    Transcript t =
        Transcript.EMPTY
            .apply(new TurnAsked(1, "When does the lease end?", "When does the lease end?", T0))
            .apply(
                new TurnAnswered(
                    1, "On 31 May. [1]", LEASE, List.of("cite-dates"), T0.plusSeconds(2)));
    Turn turn = t.turns().getFirst();
    assertTrue(turn.isAnswered());
    assertEquals("On 31 May. [1]", turn.answer());
    assertEquals(LEASE, turn.citations());
    assertEquals(List.of("cite-dates"), turn.behaviors());
    assertEquals(T0.plusSeconds(2), turn.answeredAt());
    assertEquals(2, t.nextTurn());
    assertEquals(1, t.window().recent().size());
  }

  @Test
  void aRequestIdNamesItsTurnAndCannotBeAskedTwice() {
    Transcript t =
        Transcript.EMPTY
            .apply(new TurnAsked(1, "q?", "q?", T0, "req-1", "user:alice"))
            .apply(new TurnAnswered(1, "a. [1]", LEASE, List.of(), T0))
            .apply(new TurnAsked(2, "r?", "r?", T0, "req-2", "user:bob"));
    assertEquals(1, t.turnFor("req-1").orElseThrow().number());
    assertEquals("req-1", t.turnFor("req-1").orElseThrow().requestId(), "kept once answered");
    assertEquals(2, t.turnFor("req-2").orElseThrow().number());
    assertEquals("user:alice", t.owner(), "the first turn's asker owns the session");
    assertTrue(t.turnFor("req-3").isEmpty());
    assertTrue(t.turnFor("").isEmpty(), "an unrecorded id matches nothing");
    Transcript answered = t.apply(new TurnAnswered(2, "b.", List.of(), List.of(), T0));
    var again =
        assertThrows(
            IllegalStateException.class,
            () -> answered.apply(new TurnAsked(3, "q?", "q?", T0, "req-1", "user:alice")));
    assertTrue(again.getMessage().contains("req-1 is turn 1"), again.getMessage());
    // Events journaled before request ids were recorded carry none, and any number of them fit.
    Transcript old =
        Transcript.EMPTY
            .apply(new TurnAsked(1, "q?", "q?", T0, null, null))
            .apply(new TurnAnswered(1, "a.", List.of(), List.of(), T0))
            .apply(new TurnAsked(2, "r?", "r?", T0));
    assertEquals("", old.turns().getFirst().requestId());
    assertEquals("", old.owner());
  }

  @Test
  void aPendingTurnIsNotHistory() {
    Transcript t = Transcript.EMPTY.apply(new TurnAsked(1, "q?", "q?", T0));
    assertTrue(t.pending().isPresent());
    assertTrue(t.window().isEmpty());
    assertEquals(0, t.lastAnswered());
  }

  @Test
  void rejectsEventsThatDoNotFitTheState() {
    Transcript pending = Transcript.EMPTY.apply(new TurnAsked(1, "q?", "q?", T0));
    var second =
        assertThrows(
            IllegalStateException.class, () -> pending.apply(new TurnAsked(2, "r?", "r?", T0)));
    assertTrue(second.getMessage().contains("turn 1 is still pending"), second.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> pending.apply(new TurnAnswered(2, "a", List.of(), List.of(), T0)));
    assertThrows(
        IllegalStateException.class,
        () -> Transcript.EMPTY.apply(new TurnAnswered(1, "a", List.of(), List.of(), T0)));
    assertThrows(
        IllegalStateException.class,
        () -> Transcript.EMPTY.apply(new TurnAsked(2, "q?", "q?", T0)));
    var fold =
        assertThrows(
            IllegalStateException.class,
            () -> pending.apply(new SummaryUpdated(1, "s", "extractive", T0)));
    assertTrue(fold.getMessage().contains("(0, 0]"), fold.getMessage());
  }

  @Test
  void eventsValidateTheirFields() {
    var blank = assertThrows(IllegalArgumentException.class, () -> new TurnAsked(1, " ", "q", T0));
    assertTrue(blank.getMessage().contains("question of turn 1"), blank.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TurnAsked(0, "q", "q", T0));
    assertThrows(
        IllegalArgumentException.class, () -> new SummaryUpdated(0, "s", "extractive", T0));
    assertThrows(IllegalArgumentException.class, () -> new Citation("", "t"));
  }

  @Test
  void aFoldMovesTurnsFromTheWindowIntoTheSummary() {
    Transcript t = Transcript.EMPTY;
    for (int i = 1; i <= 3; i++) {
      t =
          t.apply(new TurnAsked(i, "q" + i + "?", "q" + i + "?", T0))
              .apply(new TurnAnswered(i, "a" + i, List.of(), List.of(), T0));
    }
    t = t.apply(new SummaryUpdated(2, "q1 and q2 were asked.", "extractive", T0));
    assertEquals(3, t.turns().size(), "the full history stays");
    assertEquals("q1 and q2 were asked.", t.window().summary());
    assertEquals(List.of(3), t.window().recent().stream().map(Turn::number).toList());
    Transcript folded = t;
    assertThrows(
        IllegalStateException.class,
        () -> folded.apply(new SummaryUpdated(2, "again", "extractive", T0)));
  }
}
