package dev.fathom.memory.session;

import dev.fathom.memory.session.SessionEvent.SummaryUpdated;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps a session's {@link MemoryWindow} within its {@link MemoryBudget}: when the summary and the
 * verbatim turns together exceed the budget, the oldest verbatim turns are folded into the running
 * summary. Which turns fold is decided from the transcript alone (deterministic); the summary text
 * comes from the {@link Summarizer} and is carried in the emitted event, so recovery replays it
 * instead of asking a model again.
 *
 * <p>Meant to be called by the session actor after it persists a {@code TurnAnswered}: when {@link
 * #fold} returns an event, the actor persists it too. With a language-model summarizer the call
 * takes as long as a generation, so the actor runs it off its dispatcher and pipes the event back.
 *
 * <p>The bound: the verbatim turns are folded until they render within {@link
 * MemoryBudget#verbatimTokens()} (times {@link MemoryBudget#lowWater()}), and the summary is cut to
 * {@link MemoryBudget#summaryTokens()}, so with a subadditive {@link TokenCounter} the whole window
 * stays within {@link MemoryBudget#maxTokens()}. A single turn longer than the verbatim share is
 * folded at once and survives only as summary. A budget lowered below the length of a summary
 * already written takes effect at the next fold, which rewrites the summary within the new share.
 */
public final class MemoryFolder {

  private final MemoryBudget budget;
  private final Summarizer summarizer;
  private final TokenCounter counter;

  public MemoryFolder(MemoryBudget budget, Summarizer summarizer, TokenCounter counter) {
    this.budget = Objects.requireNonNull(budget, "budget");
    this.summarizer = Objects.requireNonNull(summarizer, "summarizer");
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  /** The default budget, the extractive summarizer and the token estimate. */
  public static MemoryFolder defaults() {
    return new MemoryFolder(
        MemoryBudget.defaults(), new ExtractiveSummarizer(), TokenCounter.estimate());
  }

  /** Tokens the window of {@code transcript} takes, as the budget counts them. */
  public int tokens(MemoryWindow window) {
    return counter.count(window.render());
  }

  /** The budget this folder keeps. */
  public MemoryBudget budget() {
    return budget;
  }

  /**
   * The fold {@code transcript} needs, or empty when its window is within budget.
   *
   * @param now the time the event records
   */
  public Optional<SummaryUpdated> fold(Transcript transcript, Instant now) {
    MemoryWindow window = transcript.window();
    if (tokens(window) <= budget.maxTokens()) return Optional.empty();
    List<Turn> recent = window.recent();
    int target = (int) Math.floor(budget.verbatimTokens() * budget.lowWater());
    int keepFrom = 0;
    while (keepFrom < recent.size()
        && verbatimTokens(recent.subList(keepFrom, recent.size())) > target) {
      keepFrom++;
    }
    if (keepFrom == 0) keepFrom = 1; // over budget because of the summary alone: fold one turn
    if (keepFrom > recent.size()) return Optional.empty(); // no turn to fold: wait for the next
    List<Turn> folded = recent.subList(0, keepFrom);
    String summary =
        clip(summarizer.summarize(transcript.summary(), folded, budget.summaryTokens(), counter));
    return Optional.of(
        new SummaryUpdated(folded.getLast().number(), summary, summarizer.name(), now));
  }

  private int verbatimTokens(List<Turn> turns) {
    return counter.count(new MemoryWindow("", turns).render());
  }

  /** The longest word prefix of {@code summary} whose rendering fits the summary share. */
  private String clip(String summary) {
    String s = summary.strip();
    if (summaryTokens(s) <= budget.summaryTokens()) return s;
    String[] words = s.split("\\s+");
    int lo = 0;
    int hi = words.length;
    while (lo < hi) { // largest n with fits(n); fits(0) holds for any sane budget
      int mid = (lo + hi + 1) / 2;
      if (summaryTokens(String.join(" ", List.of(words).subList(0, mid)))
          <= budget.summaryTokens()) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return String.join(" ", List.of(words).subList(0, lo));
  }

  private int summaryTokens(String summary) {
    return counter.count(new MemoryWindow(summary, List.of()).render());
  }
}
