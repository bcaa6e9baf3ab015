package dev.fathom.ops.cli;

import dev.fathom.compressors.recomp.CompressorModel;
import dev.fathom.compressors.recomp.CompressorTraining;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.search.HybridRetriever;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fathom train compressor --dataset DIR}: the trained extractive compressor. */
@Command(
    name = "compressor",
    description = {
      "Train the extractive compressor's sentence scorer (RECOMP; docs/compression.md) on a",
      "BEIR-layout dataset whose queries carry \"answers\" (squad-dev), and save it as",
      "compressor-recomp.ubj in the data directory, where fathom.compressor.kind = trained and",
      "`eval compression --compressor trained` find it. Prints out-of-fold metrics of two",
      "article-level halves: the budget and thresholds are chosen on half 0, reported on half 1."
    })
final class TrainCompressorCommand implements Callable<Integer> {
  @Mixin DataOption data;
  @Mixin DatasetOption dataset;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write the model here instead of into the data directory.")
  Path output;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    BeirDataset ds = dataset.load(null);
    FathomConfig config = data.config();
    Path file = output != null ? output : CompressorModel.path(config.dataDir());
    try (Workspace ws = new Workspace(config);
        EvalIndex ei = EvalIndex.build(ws, ds)) {
      HybridRetriever retriever = new HybridRetriever(ei.index, ws.embedder(), config.retrieval());
      CompressorTraining.Report r =
          CompressorTraining.train(
              ds,
              retriever,
              config.mode(),
              ws.embedder(),
              config.compression().topPassages(),
              config.compression().minSentenceChars(),
              file,
              CompressorTraining.Settings.defaults(),
              line -> System.err.println("train: " + line));
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", r.model().toString());
        out.put("policy", r.policy().toString());
        out.put("questions", r.questions());
        out.put("sentences", r.rows());
        out.put("seconds", r.seconds());
        out.put("choice_half", r.choiceHalf());
        out.put("report_half", r.reportHalf());
        System.out.println(Json.write(out));
      } else {
        System.out.printf(
            Locale.ROOT,
            "compressor trained on %,d questions (%,d sentences) in %.0f s: %s%n%s%n",
            r.questions(),
            r.rows(),
            r.seconds(),
            r.model(),
            r.policy());
        System.out.printf("%-28s %12s %12s%n", "out-of-fold", "half 0", "half 1");
        r.choiceHalf()
            .forEach(
                (k, v) ->
                    System.out.printf(
                        Locale.ROOT, "%-28s %12.4f %12.4f%n", k, v, r.reportHalf().get(k)));
      }
    }
    return 0;
  }
}
