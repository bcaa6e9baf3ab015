package dev.fathom.memory.session;

import java.util.List;
import java.util.Objects;

/**
 * The part of a session's memory that goes into retrieval and a prompt: the running summary of
 * older turns and the recent turns verbatim, oldest first. {@link MemoryFolder} keeps it within a
 * token budget.
 *
 * @param summary the running summary; empty when nothing has been folded
 * @param recent answered turns after the summary, oldest first
 */
public record MemoryWindow(String summary, List<Turn> recent) {

  /** No history: the first question of a session. */
  public static final MemoryWindow EMPTY = new MemoryWindow("", List.of());

  public MemoryWindow {
    Objects.requireNonNull(summary, "summary");
    recent = List.copyOf(Objects.requireNonNull(recent, "recent"));
  }

  /** Whether there is no history at all. */
  public boolean isEmpty() {
    return summary.isBlank() && recent.isEmpty();
  }

  /**
   * The history as prompt text: the summary, then each recent turn as a question line and an answer
   * line naming the titles it cited. This is the text the budget counts.
   */
  public String render() {
    StringBuilder out = new StringBuilder();
    if (!summary.isBlank())
      out.append("Summary of earlier turns: ").append(summary.strip()).append('\n');
    for (Turn t : recent) out.append(render(t));
    return out.toString();
  }

  /** One turn as {@link #render()} writes it. */
  public static String render(Turn t) {
    StringBuilder out = new StringBuilder();
    out.append("User: ").append(t.question().strip()).append('\n');
    out.append("Assistant: ").append(t.answer().strip());
    List<String> titles =
        t.citations().stream().map(Citation::title).filter(s -> !s.isBlank()).distinct().toList();
    if (!titles.isEmpty()) out.append(" (sources: ").append(String.join("; ", titles)).append(')');
    return out.append('\n').toString();
  }
}
