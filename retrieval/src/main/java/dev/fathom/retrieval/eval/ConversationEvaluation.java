package dev.fathom.retrieval.eval;

import dev.fathom.memory.session.SessionEvent.TurnAnswered;
import dev.fathom.memory.session.SessionEvent.TurnAsked;
import dev.fathom.memory.session.Transcript;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.QueryRewrite;
import dev.fathom.retrieval.conversation.TurnAnswerer;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.Retriever;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Measures history-aware retrieval on a {@link ConversationDataset}: for the last turn of each
 * conversation, hybrid retrieval of
 *
 * <ul>
 *   <li>{@code last_turn_alone} — the follow-up searched as it is (what Fathom did before
 *       sessions);
 *   <li>{@code with_history} — the follow-up after the earlier turns, through {@link
 *       HistoryAwareRetriever} exactly as a session runs it: each earlier turn is retrieved for,
 *       answered by the {@link TurnAnswerer} and recorded in a {@link Transcript} by the session
 *       events; the follow-up is then rewritten with that transcript's memory window. Nothing of
 *       the gold paragraph or the follow-up's own subject is used;
 *   <li>{@code standalone} — the question written to stand alone (the ceiling).
 * </ul>
 *
 * Metrics are {@link RetrievalEvaluation#METRICS}, the names {@code fathom eval retrieval} prints.
 * The {@code fathom eval conversation} command is meant to call {@link #index} and {@link
 * #evaluate} and print the map as JSON.
 */
public final class ConversationEvaluation {

  /** The runs reported, in this order. */
  public static final List<String> RUNS = List.of("last_turn_alone", "with_history", "standalone");

  /** Sources the earlier turns' answers cite (as the extractive answer stage's top evidence). */
  public static final int CITED = 3;

  /**
   * One conversation's outcome, for reports and debugging.
   *
   * @param id the conversation id
   * @param rewrite how the follow-up was rewritten
   */
  public record Rewritten(String id, QueryRewrite rewrite) {}

  private ConversationEvaluation() {}

  /** Indexes the corpus, one passage per paragraph, as {@link RetrievalEvaluation#index}. */
  public static void index(
      ConversationDataset dataset,
      PassageIndex index,
      Embedder embedder,
      int batch,
      IntConsumer progress) {
    RetrievalEvaluation.index(dataset.beir(), index, embedder, batch, progress);
  }

  /**
   * Scores every conversation in the three runs with hybrid retrieval.
   *
   * @param rewrites told each conversation's rewrite (may ignore it)
   * @return run → metric → mean over conversations, runs in {@link #RUNS} order
   */
  public static Map<String, Map<String, Double>> evaluate(
      ConversationDataset dataset,
      Retriever retriever,
      HistoryAwareRetriever session,
      TurnAnswerer answerer,
      Consumer<Rewritten> rewrites,
      IntConsumer progress) {
    Objects.requireNonNull(answerer, "answerer");
    Map<String, MetricSummary> summaries = new LinkedHashMap<>();
    for (String run : RUNS) summaries.put(run, MetricSummary.of(RetrievalEvaluation.METRICS));
    List<ConversationDataset.Conversation> conversations = dataset.conversations();
    for (int i = 0; i < conversations.size(); i++) {
      ConversationDataset.Conversation c = conversations.get(i);
      Map<String, Integer> qrels = dataset.beir().qrels(c.id());
      Transcript history = earlierTurns(c, session, answerer);
      HistoryAwareRetriever.Result followUp =
          session.search(
              c.followUp(), history.window(), SearchMode.HYBRID, RetrievalEvaluation.DEPTH);
      rewrites.accept(new Rewritten(c.id(), followUp.rewrite()));
      add(
          summaries.get("last_turn_alone"),
          retriever.search(c.followUp(), SearchMode.HYBRID, RetrievalEvaluation.DEPTH),
          qrels);
      add(summaries.get("with_history"), followUp.hits(), qrels);
      add(
          summaries.get("standalone"),
          retriever.search(c.standalone(), SearchMode.HYBRID, RetrievalEvaluation.DEPTH),
          qrels);
      progress.accept(i + 1);
    }
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    summaries.forEach((run, s) -> out.put(run, new LinkedHashMap<>(s.means())));
    return out;
  }

  /** The session state after the turns before the follow-up, each retrieved and answered. */
  static Transcript earlierTurns(
      ConversationDataset.Conversation c, HistoryAwareRetriever session, TurnAnswerer answerer) {
    Transcript t = Transcript.EMPTY;
    Instant at = Instant.EPOCH; // the evaluation's clock does not matter, only the order
    List<String> earlier = c.turns().subList(0, c.turns().size() - 1);
    for (String question : earlier) {
      HistoryAwareRetriever.Result r = session.search(question, t.window(), SearchMode.HYBRID, 10);
      TurnAnswerer.Answered a = answerer.answer(r.rewrite().query(), r.hits());
      t = t.apply(new TurnAsked(t.nextTurn(), question, r.rewrite().query(), at));
      t = t.apply(new TurnAnswered(t.turns().size(), a.text(), a.citations(), List.of(), at));
    }
    return t;
  }

  private static void add(MetricSummary summary, List<Hit> hits, Map<String, Integer> qrels) {
    summary.add(hits.stream().map(h -> h.passage().source()).toList(), qrels);
  }
}
