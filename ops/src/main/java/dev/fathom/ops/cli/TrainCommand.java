package dev.fathom.ops.cli;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.rank.PreparedDataset;
import dev.fathom.retrieval.rank.RankerTraining;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fathom train ...}: fit Fathom's learned parts on judged datasets. */
@Command(
    name = "train",
    description = "Train Fathom's learned parts.",
    subcommands = {TrainCommand.Ranker.class, TrainCompressorCommand.class})
public final class TrainCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "ranker",
      description = {
        "Train the fusion ranker (LambdaMART over BM25, dense and lexical features; docs/ranking.md)",
        "on BEIR-layout datasets and save it as ranker-fusion.json in the data directory, where",
        "`ask --rerank fusion`, `serve` and `eval retrieval --rerank fusion` find it.",
        "By default only the training half of each dataset's questions is used (the other half",
        "stays held out for evaluation)."
      })
  static final class Ranker implements Callable<Integer> {
    @Mixin DataOption data;

    @Option(
        names = "--dataset",
        paramLabel = "DIR",
        required = true,
        description =
            "BEIR-layout folder (corpus.jsonl, queries.jsonl, qrels/test.tsv); repeatable.")
    List<Path> datasets = new ArrayList<>();

    @Option(
        names = "--all-questions",
        description = "Train on every judged question, not only the training half.")
    boolean allQuestions;

    @Override
    public Integer call() {
      FathomConfig config = data.config();
      RankerTraining.Settings d = RankerTraining.Settings.defaults();
      RankerTraining.Settings settings =
          new RankerTraining.Settings(
              d.rounds(), d.eta(), d.maxDepth(), !allQuestions, d.seed(), d.linear());
      List<RankingIndex> opened = new ArrayList<>();
      try (Workspace ws = new Workspace(config)) {
        List<PreparedDataset> prepared = new ArrayList<>();
        for (Path dir : datasets) {
          BeirDataset ds = BeirDataset.load(dir);
          RankingIndex ri =
              RankingIndex.build(ws, ds, dir.toAbsolutePath().normalize().getFileName().toString());
          opened.add(ri);
          prepared.add(ri.data);
        }
        RankerTraining.Report report =
            RankerTraining.train(
                prepared, config.dataDir(), settings, line -> System.err.println("train: " + line));
        System.out.printf(
            Locale.ROOT,
            "fusion ranker trained on %,d questions (%,d candidates): %s%n",
            report.questions(),
            report.rows(),
            report.model());
      } finally {
        opened.forEach(RankingIndex::close);
      }
      return 0;
    }
  }
}
