package dev.fathom.actors.session;

import dev.fathom.actors.QuestionResult;
import dev.fathom.memory.session.Citation;
import dev.fathom.memory.session.SessionEvent;
import dev.fathom.memory.session.SessionEvent.SummaryUpdated;
import dev.fathom.memory.session.SessionEvent.TurnAnswered;
import dev.fathom.memory.session.Transcript;
import dev.fathom.memory.session.Turn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The events that close a session's turn: its answer and, when due, a fold of the memory. */
final class TurnEvents {

  private TurnEvents() {}

  /**
   * {@code TurnAnswered} for {@code result} (a failure is journaled as an empty answer), then the
   * {@link dev.fathom.memory.session.MemoryFolder}'s fold if the window is over budget.
   */
  static List<SessionEvent> of(
      SessionActor.Deps deps, Transcript state, Turn pending, QuestionResult result) {
    TurnAnswered answered =
        switch (result) {
          case QuestionResult.Answered a ->
              new TurnAnswered(
                  pending.number(),
                  a.answer().text(),
                  citations(a.answer().citations()),
                  List.of(),
                  deps.clock().instant());
          case QuestionResult.Failed f ->
              new TurnAnswered(pending.number(), "", List.of(), List.of(), deps.clock().instant());
        };
    List<SessionEvent> events = new ArrayList<>(List.of(answered));
    Optional<SummaryUpdated> fold =
        deps.folder().fold(state.apply(answered), deps.clock().instant());
    fold.ifPresent(events::add);
    return events;
  }

  /** One transcript citation per source, in the answer's citation order. */
  static List<Citation> citations(List<dev.fathom.answer.Citation> cited) {
    Map<String, Citation> bySource = new LinkedHashMap<>();
    for (dev.fathom.answer.Citation c : cited) {
      bySource.putIfAbsent(
          c.source(), new Citation(c.source(), c.title() == null ? "" : c.title()));
    }
    return List.copyOf(bySource.values());
  }
}
