package dev.fathom.ops.cli;

import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.SubjectRewriter;
import dev.fathom.retrieval.conversation.TurnAnswerer;
import dev.fathom.retrieval.eval.ConversationDataset;
import dev.fathom.retrieval.eval.ConversationEvaluation;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.search.HybridRetriever;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fathom eval conversation --dataset DIR [--json]}: history-aware retrieval of a follow-up
 * (see {@link ConversationEvaluation}) against the follow-up alone and its standalone form, with
 * the same code path a session takes and no language model (the deterministic {@link
 * SubjectRewriter}), so the recorded scores do not depend on which model is configured.
 */
@Command(
    name = "conversation",
    description = {
      "Index the corpus in a temporary index; report, for each follow-up's gold paragraph,",
      "ndcg@10, mrr@10, recall@5/10/100 of hybrid retrieval for last_turn_alone,",
      "with_history (the session's rewrite) and standalone (the ceiling)."
    })
final class ConversationEvalCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      required = true,
      description =
          "Conversation folder: conversations.jsonl, corpus.jsonl, qrels/test.tsv"
              + " (e.g. ../shared/data/squad-conv-dev).")
  Path dir;

  @Option(
      names = "--json",
      description =
          "Print {\"last_turn_alone\":{...},\"with_history\":{...},\"standalone\":{...}}.")
  boolean json;

  @Override
  public Integer call() {
    ConversationDataset ds = ConversationDataset.load(dir);
    try (Workspace ws = new Workspace(data.config());
        EvalIndex ei = EvalIndex.build(ws, ds.beir())) {
      HybridRetriever retriever =
          new HybridRetriever(ei.index, ws.embedder(), ws.config().retrieval());
      ProgressBar bar = new ProgressBar("turns ");
      int total = ds.conversations().size();
      Map<String, Map<String, Double>> results =
          ConversationEvaluation.evaluate(
              ds,
              retriever,
              new HistoryAwareRetriever(retriever, new SubjectRewriter()),
              TurnAnswerer.topPassages(ConversationEvaluation.CITED),
              r -> {},
              n -> bar.update(n, total, "conversations"));
      bar.finish();
      if (json) {
        System.out.println(Json.write(results));
      } else {
        System.out.printf(
            "%s: %d passages, %d conversations%n",
            dir.toAbsolutePath().normalize().getFileName(), ds.beir().corpus().size(), total);
        System.out.printf("%-16s", "run");
        for (String metric : RetrievalEvaluation.METRICS) System.out.printf("%11s", metric);
        System.out.println();
        results.forEach(
            (run, metrics) -> {
              System.out.printf("%-16s", run);
              metrics.values().forEach(v -> System.out.printf("%11.4f", v));
              System.out.println();
            });
      }
    }
    return 0;
  }
}
