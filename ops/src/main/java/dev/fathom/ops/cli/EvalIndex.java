package dev.fathom.ops.cli;

import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.index.PassageIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temporary index of a dataset's corpus under the data directory, deleted on close. */
final class EvalIndex implements AutoCloseable {

  final PassageIndex index;
  private final Path dir;

  private EvalIndex(PassageIndex index, Path dir) {
    this.index = index;
    this.dir = dir;
  }

  static EvalIndex build(Workspace ws, BeirDataset dataset) {
    return build(ws, dataset, false);
  }

  /**
   * @param sentenceVectors also store each passage's sentence vectors, as {@code fathom ingest}
   *     does (for the compression evaluation)
   */
  static EvalIndex build(Workspace ws, BeirDataset dataset, boolean sentenceVectors) {
    Path dir;
    try {
      Files.createDirectories(ws.config().dataDir());
      dir = Files.createTempDirectory(ws.config().dataDir(), "eval-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a temporary index under " + ws.config().dataDir(), e);
    }
    PassageIndex index = PassageIndex.openForWriting(dir, ws.embeddingId());
    ProgressBar bar = new ProgressBar("index ");
    int total = dataset.corpus().size();
    RetrievalEvaluation.index(
        dataset,
        index,
        ws.uncachedEmbedder(),
        128,
        sentenceVectors,
        n -> bar.update(n, total, "documents"));
    bar.finish();
    return new EvalIndex(index, dir);
  }

  @Override
  public void close() {
    index.close();
    TempDirs.delete(dir);
  }
}
