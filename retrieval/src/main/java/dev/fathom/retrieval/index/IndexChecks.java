package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * What can be wrong with an index directory, said in words a user can act on: the format and
 * embedding markers of the last commit, and Lucene's own failures (corrupt files, foreign versions,
 * another writer holding the lock).
 */
final class IndexChecks {
  private IndexChecks() {}

  static void requireCompatible(Directory dir, Path path, String embeddingId) throws IOException {
    Map<String, String> data = SegmentInfos.readLatestCommit(dir).getUserData();
    String format = data.get(USER_DATA_FORMAT);
    if (!FORMAT.equals(format)) {
      throw new IndexUnavailableException(
          "index at "
              + path
              + " has format "
              + (format == null ? "(none: not a Fathom index)" : format)
              + " but this Fathom needs format "
              + FORMAT
              + ": delete the directory and ingest again");
    }
    String emb = data.get(USER_DATA_EMBEDDING);
    if (!embeddingId.equals(emb)) {
      throw new IndexUnavailableException(
          "index at "
              + path
              + " holds vectors of "
              + emb
              + " but the configured embedding is "
              + embeddingId
              + ": delete the directory and ingest again");
    }
  }

  static IndexUnavailableException explain(Path path, Exception e) {
    return switch (e) {
      case IndexUnavailableException iu -> iu;
      case LockObtainFailedException l ->
          new IndexUnavailableException(
              "index at " + path + " is locked by another process (is an ingest running?)", l);
      case CorruptIndexException c ->
          new IndexUnavailableException(
              "index at "
                  + path
                  + " is corrupt ("
                  + c.getMessage()
                  + "): delete it and ingest again",
              c);
      case IndexFormatTooOldException f -> incompatibleLucene(path, f);
      case IndexFormatTooNewException f -> incompatibleLucene(path, f);
      case IOException io ->
          new IndexUnavailableException(
              "cannot open index at "
                  + path
                  + ": "
                  + io.getClass().getSimpleName()
                  + ": "
                  + io.getMessage(),
              io);
      default ->
          new IndexUnavailableException(
              "cannot open index at "
                  + path
                  + ": "
                  + e.getClass().getSimpleName()
                  + ": "
                  + e.getMessage(),
              e);
    };
  }

  private static IndexUnavailableException incompatibleLucene(Path path, IOException e) {
    return new IndexUnavailableException(
        "index at "
            + path
            + " was written by an incompatible Lucene version: delete it and ingest again",
        e);
  }
}
