package dev.fathom.ops.cli;

import dev.fathom.retrieval.eval.BeirDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dataset DIR}: a BEIR-layout folder. */
public final class DatasetOption {

  @Option(
      names = "--dataset",
      paramLabel = "DIR",
      description = "BEIR-layout folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.")
  Path dir;

  BeirDataset load(String defaultName) {
    Path d = dir;
    if (d == null && defaultName != null) {
      Path home = Path.of(System.getProperty("fathom.home", "."));
      d = home.resolve("../shared/data").resolve(defaultName).normalize();
      if (!Files.isDirectory(d)) {
        throw new ErrorHandler.UserError(
            "no --dataset given and the default " + d + " does not exist");
      }
    }
    if (d == null) throw new ErrorHandler.UserError("--dataset DIR is required");
    return BeirDataset.load(d);
  }

  String name() {
    return dir == null ? "" : dir.toAbsolutePath().normalize().getFileName().toString();
  }
}
