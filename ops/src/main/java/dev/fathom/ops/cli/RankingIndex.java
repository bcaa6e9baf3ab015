package dev.fathom.ops.cli;

import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.rank.PreparedDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A dataset indexed for ranking ({@code train ranker}, {@code eval retrieval --rerank}, {@code
 * bench rerank}) in a temporary folder under the data directory, deleted on close.
 */
final class RankingIndex implements AutoCloseable {

  final PreparedDataset data;
  private final Path dir;

  private RankingIndex(PreparedDataset data, Path dir) {
    this.data = data;
    this.dir = dir;
  }

  static RankingIndex build(Workspace ws, BeirDataset dataset, String name) {
    Path dir;
    try {
      Files.createDirectories(ws.config().dataDir());
      dir = Files.createTempDirectory(ws.config().dataDir(), "rank-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a temporary index under " + ws.config().dataDir(), e);
    }
    System.err.printf(
        Locale.ROOT,
        "indexing %s: %,d documents, %,d questions ...%n",
        name,
        dataset.corpus().size(),
        dataset.queries().size());
    try {
      return new RankingIndex(
          PreparedDataset.index(dataset, ws.uncachedEmbedder(), dir, ws.config().retrieval()), dir);
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw e;
    }
  }

  @Override
  public void close() {
    data.close();
    TempDirs.delete(dir);
  }
}
