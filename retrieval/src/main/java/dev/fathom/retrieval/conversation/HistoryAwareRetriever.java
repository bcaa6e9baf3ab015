package dev.fathom.retrieval.conversation;

import dev.fathom.memory.session.Citation;
import dev.fathom.memory.session.MemoryWindow;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.search.Retriever;
import dev.fathom.retrieval.search.SearchScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Retrieval for a turn of a conversation: rewrite the question with the session's memory, then
 * search the rewritten query. This is the one path a session's turn takes, and the one {@code
 * ConversationEvaluation} measures.
 *
 * <p>Wiring: the session actor calls {@link #rewrite} when a question arrives (its result goes into
 * the persisted {@code TurnAsked} and the answer's {@code --json} trace), then hands {@link
 * QueryRewrite#query()} to the question coordinator in place of the question, or calls {@link
 * #search} where it retrieves itself. After the answer, {@link #citations} turns the cited hits
 * into the transcript's citations.
 */
public final class HistoryAwareRetriever {

  /**
   * One turn's retrieval.
   *
   * @param rewrite the question and the query searched
   * @param hits the hits for the query, best first
   */
  public record Result(QueryRewrite rewrite, List<Hit> hits) {
    public Result {
      Objects.requireNonNull(rewrite, "rewrite");
      hits = List.copyOf(Objects.requireNonNull(hits, "hits"));
    }
  }

  private final Retriever retriever;
  private final QueryRewriter rewriter;

  public HistoryAwareRetriever(Retriever retriever, QueryRewriter rewriter) {
    this.retriever = Objects.requireNonNull(retriever, "retriever");
    this.rewriter = Objects.requireNonNull(rewriter, "rewriter");
  }

  /** The standalone query for {@code question} after {@code history}. */
  public QueryRewrite rewrite(String question, MemoryWindow history) {
    return rewriter.rewrite(question, Objects.requireNonNull(history, "history"));
  }

  /** Rewrites {@code question} and returns at most {@code k} hits for the rewritten query. */
  public Result search(String question, MemoryWindow history, SearchMode mode, int k) {
    QueryRewrite rewrite = rewrite(question, history);
    return new Result(rewrite, retriever.search(rewrite.query(), mode, k));
  }

  /**
   * As {@link #search(String, MemoryWindow, SearchMode, int)}, returning only passages of {@code
   * scope} (a collection and a metadata filter) that {@code caller} may read.
   */
  public Result search(
      String question,
      MemoryWindow history,
      SearchMode mode,
      int k,
      Principal caller,
      SearchScope scope) {
    QueryRewrite rewrite = rewrite(question, history);
    return new Result(rewrite, retriever.search(rewrite.query(), mode, k, caller, scope));
  }

  /**
   * The transcript citations of the first {@code n} distinct sources among {@code hits}, in rank
   * order.
   *
   * @throws IllegalArgumentException when {@code n} is below 1
   */
  public static List<Citation> citations(List<Hit> hits, int n) {
    if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
    Map<String, Citation> bySource = new LinkedHashMap<>();
    for (Hit h : hits) {
      if (bySource.size() == n) break;
      bySource.putIfAbsent(
          h.passage().source(), new Citation(h.passage().source(), h.passage().title()));
    }
    return new ArrayList<>(bySource.values());
  }
}
