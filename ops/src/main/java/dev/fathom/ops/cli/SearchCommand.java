package dev.fathom.ops.cli;

import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.search.Relevance;
import dev.fathom.retrieval.search.SearchScope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fathom search "query"}: ranked passages with scores and sources. */
@Command(
    name = "search",
    description = {
      "Print the passages that best match a query, each with its relevance (0-1; the raw",
      "score of the retrieval mode is in --json)."
    })
public final class SearchCommand implements Callable<Integer> {

  private static final int SNIPPET_CHARS = 240;

  @Mixin DataOption data;
  @Mixin RerankOptions ranking;
  @Mixin ScopeOptions scope;

  @Option(
      names = "--rerank",
      paramLabel = "R",
      description =
          "Reorder the passages: none, listwise, attention (both need --model) or fusion"
              + " (needs `fathom train ranker`); default: fathom.rerank.default.")
  String rerank;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description = "bm25, dense or hybrid (default: fathom.retrieval.mode).")
  String mode;

  @Option(
      names = "-k",
      paramLabel = "N",
      description = "Number of passages (default: fathom.retrieval.k).")
  Integer k;

  @Option(names = "--json", description = "Print the hits as JSON.")
  boolean json;

  @Parameters(paramLabel = "QUERY", arity = "0..*", description = "The query (quotes optional).")
  List<String> words = List.of();

  @Override
  public Integer call() {
    FathomConfig config = data.config();
    QuestionIntake.Search s = Questions.search(config, words, mode, k, rerank);
    boolean withModel = s.rerank() == RankerKind.LISTWISE || s.rerank() == RankerKind.ATTENTION;
    SearchScope named = scope.scope();
    SearchScope where =
        DemoCollection.in(DemoCollection.choose(config, scope, System.err, false), named);
    try (LanguageModel model = withModel ? ranking.openModel(config) : null;
        Workspace ws = new Workspace(config, where)) {
      List<Hit> hits = ws.retriever().search(s.query(), s.mode(), s.k(), Principal.owner(), where);
      // Relevance of the retrieval itself: a ranker reorders, it does not rescore on this scale.
      Map<String, Double> relevance = Relevance.of(hits, s.mode(), config.retrieval());
      if (s.rerank() != RankerKind.NONE) {
        hits = RerankOptions.ranker(ws.rankers(model), s.rerank()).rank(s.query(), hits).hits();
      }
      if (json) {
        System.out.println(Json.write(Json.search(s.query(), s.mode(), hits, relevance)));
      } else {
        print(hits, relevance);
      }
    }
    return 0;
  }

  private static void print(List<Hit> hits, Map<String, Double> relevance) {
    if (hits.isEmpty()) System.out.println("No passages match.");
    for (Hit h : hits) {
      System.out.printf(
          "%2d. %.2f  %s \u2014 %s  [%d-%d]%n",
          h.rank(),
          relevance.getOrDefault(h.passage().id(), 0.0),
          Sources.display(h.passage().source()),
          h.passage().title(),
          h.passage().start(),
          h.passage().end());
      String text = h.passage().text().replaceAll("\\s+", " ").strip();
      if (text.length() > SNIPPET_CHARS) text = text.substring(0, SNIPPET_CHARS) + "\u2026";
      System.out.println("    " + text);
    }
  }
}
