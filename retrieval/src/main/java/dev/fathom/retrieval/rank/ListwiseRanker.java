package dev.fathom.retrieval.rank;

import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.Hit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Listwise ranking by permutation generation — RankGPT (Sun et al., "Is ChatGPT Good at Search?
 * Investigating Large Language Models as Re-Ranking Agents", EMNLP 2023). The model reads the
 * question and numbered passages and writes their order ({@code [3] > [1] > [2]}); the order is
 * repaired by {@link PermutationParser} and applied.
 *
 * <p>More candidates than fit one prompt are ranked with a sliding window from the bottom of the
 * list to the top ({@link ListwiseSettings#window()} passages, moving up by {@link
 * ListwiseSettings#step()}), so a relevant passage retrieved low can climb a step per window. One
 * difference from RankGPT's loop: the last window always starts at the top of the list (RankGPT's
 * stops before the top when {@code n - window} is not a multiple of {@code step}).
 *
 * <p>Works with any {@link LanguageModel} (the local engine, an OpenAI-compatible server). A model
 * call that fails keeps that window's order and says so in the explanation.
 */
public final class ListwiseRanker implements Ranker {

  static final String SYSTEM =
      "You are RankGPT, an intelligent assistant that can rank passages based on their relevancy"
          + " to the query.";

  private final LanguageModel model;
  private final ListwiseSettings settings;

  public ListwiseRanker(LanguageModel model, ListwiseSettings settings) {
    this.model = Objects.requireNonNull(model, "model");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public RankerKind kind() {
    return RankerKind.LISTWISE;
  }

  @Override
  public Ranking rank(String question, List<Hit> candidates) {
    Ranking.requireQuestion(question);
    List<Hit> order = new ArrayList<>(candidates);
    List<String> notes = new ArrayList<>();
    int n = order.size();
    int windows = 0;
    for (int end = n; n > 1; end -= settings.step()) {
      int start = Math.max(0, end - settings.window());
      notes.addAll(rankWindow(question, order, start, end));
      windows++;
      if (start == 0) break;
    }
    double[] scores = new double[n];
    List<String> why = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      scores[i] = n - i;
      why.add("listwise position " + (i + 1) + " (retrieval rank " + order.get(i).rank() + ")");
    }
    String explanation =
        "listwise: "
            + model.name()
            + ", "
            + windows
            + " window(s) of "
            + settings.window()
            + " step "
            + settings.step()
            + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
    return Ranking.byScore(order, scores, why, explanation);
  }

  /** Ranks {@code order[start, end)} in place; returns notes on repairs and failures. */
  private List<String> rankWindow(String question, List<Hit> order, int start, int end) {
    List<Hit> window = new ArrayList<>(order.subList(start, end));
    String output;
    try {
      output =
          model
              .chat(messages(question, window), generation(window.size()), TokenListener.NONE)
              .text();
    } catch (RuntimeException e) {
      return List.of("window [" + (start + 1) + "," + end + "] kept its order: model failed: " + e);
    }
    PermutationParser.Parsed p = PermutationParser.parse(output, window.size());
    for (int i = 0; i < window.size(); i++) order.set(start + i, window.get(p.order()[i]));
    return p.clean()
        ? List.of()
        : List.of("window [" + (start + 1) + "," + end + "] " + String.join(", ", p.repairs()));
  }

  /** RankGPT's conversation: each passage its own user turn, acknowledged by the assistant. */
  List<ChatMessage> messages(String question, List<Hit> window) {
    int words = wordsPerPassage(window.size());
    List<ChatMessage> m = new ArrayList<>();
    m.add(ChatMessage.system(SYSTEM));
    m.add(
        ChatMessage.user(
            "I will provide you with "
                + window.size()
                + " passages, each indicated by number identifier [].\n"
                + "Rank the passages based on their relevance to query: "
                + question));
    m.add(ChatMessage.assistant("Okay, please provide the passages."));
    for (int i = 0; i < window.size(); i++) {
      m.add(ChatMessage.user("[" + (i + 1) + "] " + shorten(window.get(i), words)));
      m.add(ChatMessage.assistant("Received passage [" + (i + 1) + "]."));
    }
    m.add(
        ChatMessage.user(
            "Search Query: "
                + question
                + ".\nRank the "
                + window.size()
                + " passages above based on their relevance to the search query. The passages"
                + " should be listed in descending order using identifiers. The most relevant"
                + " passages should be listed first. The output format should be [] > [], e.g.,"
                + " [1] > [2]. Only respond with the ranking results, do not say any word or"
                + " explain."));
    return m;
  }

  /**
   * Words per passage so that a full window fits the model's context: RankGPT cuts to 300 words and
   * shortens further until the prompt fits; without a tokenizer behind every {@link LanguageModel}
   * this estimates 1.5 tokens per word and 40 tokens of framing per passage.
   */
  int wordsPerPassage(int passages) {
    int budget = model.contextLength() - 200 - 6 * passages;
    int fit = (int) ((budget / (double) passages - 40) / 1.5);
    return Math.max(8, Math.min(settings.passageWords(), fit));
  }

  private static GenerationSettings generation(int passages) {
    // "[12] > " is about 5 tokens; room for every id plus a little prose.
    return GenerationSettings.GREEDY.withMaxTokens(6 * passages + 16);
  }

  private static String shorten(Hit hit, int words) {
    String title = hit.passage().title().isBlank() ? "" : hit.passage().title() + ": ";
    String[] w = (title + hit.passage().text()).strip().split("\\s+");
    return w.length <= words ? String.join(" ", w) : String.join(" ", List.of(w).subList(0, words));
  }
}
