package dev.fathom.retrieval.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Opens a {@link PassageIndex}: a committed index is checked first (format, embedding model and the
 * checksum of every file, {@link IndexChecks}), so an incompatible or damaged index is a clear
 * {@link IndexUnavailableException} at start instead of wrong answers later.
 */
final class IndexOpener {
  private IndexOpener() {}

  static boolean exists(Path path) {
    if (!Files.isDirectory(path)) return false;
    try (Directory d = FSDirectory.open(path)) {
      return DirectoryReader.indexExists(d);
    } catch (IOException e) {
      return false;
    }
  }

  /** The last commit, for searching only: no write lock is taken. */
  static PassageIndex readOnly(Path path, String embeddingId) {
    if (!exists(path)) {
      throw new IndexUnavailableException(
          "no index at " + path + ": run `fathom ingest PATH...` first");
    }
    Directory dir = null;
    try {
      dir = FSDirectory.open(path);
      IndexChecks.requireCompatible(dir, path, embeddingId);
      IndexChecks.verifyChecksums(dir);
      return new PassageIndex(path, dir, null, new SearcherManager(dir, null), embeddingId);
    } catch (IOException | RuntimeException e) {
      closeQuietly(dir);
      throw IndexChecks.explain(path, e);
    }
  }

  /** Creating the folder and index when missing; holds Lucene's write lock until closed. */
  static PassageIndex forWriting(Path path, String embeddingId) {
    Directory dir = null;
    try {
      Files.createDirectories(path);
      dir = FSDirectory.open(path);
      if (DirectoryReader.indexExists(dir)) {
        IndexChecks.requireCompatible(dir, path, embeddingId);
        IndexChecks.verifyChecksums(dir);
      }
      IndexWriter writer = SourceWriter.open(dir);
      return new PassageIndex(path, dir, writer, new SearcherManager(writer, null), embeddingId);
    } catch (IOException | RuntimeException e) {
      closeQuietly(dir);
      throw IndexChecks.explain(path, e);
    }
  }

  static void closeQuietly(Directory d) {
    if (d == null) return;
    try {
      d.close();
    } catch (IOException ignored) {
      // nothing more can be done; the caller already has the primary error
    }
  }
}
