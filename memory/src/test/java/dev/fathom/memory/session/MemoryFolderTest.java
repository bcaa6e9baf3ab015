package dev.fathom.memory.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.memory.session.SessionEvent.SummaryUpdated;
import dev.fathom.memory.session.SessionEvent.TurnAnswered;
import dev.fathom.memory.session.SessionEvent.TurnAsked;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryFolderTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  /** Plays {@code n} turns the way a session actor does, folding after each answer. */
  private static List<SessionEvent> session(
      MemoryFolder folder, int n, List<Integer> windowTokens) {
    List<SessionEvent> events = new ArrayList<>();
    Transcript t = Transcript.EMPTY;
    for (int i = 1; i <= n; i++) {
      Instant at = T0.plusSeconds(10L * i);
      String q =
          "What did the committee decide about budget item " + i + " in the harbour project?";
      String a =
          "The committee approved item "
              + i
              + " of the harbour project budget after a long debate. [1] Funding for item "
              + i
              + " comes from the port authority, which reviews it each year. [2]";
      List<SessionEvent> turn =
          List.of(
              new TurnAsked(i, q, q, at),
              new TurnAnswered(
                  i,
                  a,
                  List.of(new Citation("minutes-" + i + ".pdf", "Minutes " + i)),
                  List.of(),
                  at.plusSeconds(1)));
      for (SessionEvent e : turn) {
        t = t.apply(e);
        events.add(e);
      }
      var fold = folder.fold(t, at.plusSeconds(2));
      if (fold.isPresent()) {
        t = t.apply(fold.get());
        events.add(fold.get());
      }
      windowTokens.add(folder.tokens(t.window()));
    }
    return events;
  }

  @Test
  void fiftyTurnsStayWithinTheBudget() {
    MemoryFolder folder =
        new MemoryFolder(
            new MemoryBudget(400, 0.25, 0.5), new ExtractiveSummarizer(), TokenCounter.estimate());
    List<Integer> tokens = new ArrayList<>();
    List<SessionEvent> events = session(folder, 50, tokens);
    assertEquals(50, tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      assertTrue(
          tokens.get(i) <= 400, "turn " + (i + 1) + " history takes " + tokens.get(i) + " tokens");
    }
    long folds = events.stream().filter(e -> e instanceof SummaryUpdated).count();
    assertTrue(folds >= 5 && folds < 50, "folds happen every few turns, not every turn: " + folds);
    Transcript end = Transcript.replay(Transcript.EMPTY, events);
    assertEquals(50, end.turns().size());
    assertFalse(end.summary().isBlank());
    assertTrue(end.window().recent().size() >= 2, "recent turns stay verbatim");
    assertEquals(50, end.window().recent().getLast().number());
  }

  @Test
  void replayingTheEventsGivesTheSameState() {
    MemoryFolder folder =
        new MemoryFolder(
            new MemoryBudget(300, 0.3, 0.6), new ExtractiveSummarizer(), TokenCounter.estimate());
    List<SessionEvent> events = session(folder, 50, new ArrayList<>());
    Transcript live = Transcript.EMPTY;
    for (SessionEvent e : events) live = live.apply(e);
    Transcript recovered = Transcript.replay(Transcript.EMPTY, events);
    assertEquals(live, recovered);
    // A recovery from a snapshot midway (the state after the first 40 events) ends the same too.
    Transcript snapshot = Transcript.replay(Transcript.EMPTY, events.subList(0, 40));
    assertEquals(live, Transcript.replay(snapshot, events.subList(40, events.size())));
    // The fold decision is a function of the state: the same run folds the same turns.
    assertEquals(events, session(folder, 50, new ArrayList<>()));
  }

  @Test
  void withinBudgetNothingFolds() {
    Transcript t =
        Transcript.EMPTY
            .apply(new TurnAsked(1, "Short?", "Short?", T0))
            .apply(new TurnAnswered(1, "Yes.", List.of(), List.of(), T0));
    assertTrue(MemoryFolder.defaults().fold(t, T0).isEmpty());
  }

  @Test
  void anOverlongSummaryIsCutToItsShare() {
    Summarizer chatty =
        new Summarizer() {
          @Override
          public String name() {
            return "chatty";
          }

          @Override
          public String summarize(
              String previous, List<Turn> folded, int maxTokens, TokenCounter c) {
            return "word ".repeat(10 * maxTokens);
          }
        };
    MemoryBudget budget = new MemoryBudget(64, 0.25, 0.5);
    MemoryFolder folder = new MemoryFolder(budget, chatty, TokenCounter.estimate());
    Transcript t = Transcript.EMPTY;
    for (int i = 1; i <= 4; i++) {
      String q = "question number " + i + " about a long topic with many words in it";
      t =
          t.apply(new TurnAsked(i, q, q, T0))
              .apply(new TurnAnswered(i, "answer " + "text ".repeat(8), List.of(), List.of(), T0));
    }
    SummaryUpdated fold = folder.fold(t, T0).orElseThrow();
    assertEquals("chatty", fold.summarizer());
    Transcript after = t.apply(fold);
    assertTrue(
        folder.tokens(new MemoryWindow(after.summary(), List.of())) <= budget.summaryTokens());
    assertTrue(folder.tokens(after.window()) <= 64, "window " + folder.tokens(after.window()));
  }

  @Test
  void budgetRejectsValuesOutOfRange() {
    var e = assertThrows(IllegalArgumentException.class, () -> new MemoryBudget(8, 0.25, 0.5));
    assertTrue(e.getMessage().contains("[32, 1000000]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MemoryBudget(100, 1.0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new MemoryBudget(100, 0.2, 0.0));
  }
}
