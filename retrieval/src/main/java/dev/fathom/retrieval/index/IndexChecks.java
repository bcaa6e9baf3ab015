package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.LeafReaderContext;
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

  /** What to do about a corrupt index, said once for every message that reports one. */
  static final String REBUILD_ADVICE =
      "move the directory aside and rebuild it: `fathom ingest PATH...` re-reads files, and `fathom"
          + " serve` re-reads documents from the beginning of the fathom.documents topic when the"
          + " index is new (run `fathom index check` for details)";

  static final Comparator<StreamPartition> BY_TOPIC_PARTITION =
      Comparator.comparing(StreamPartition::topic).thenComparingInt(StreamPartition::partition);

  /**
   * Reads every file of the last commit end to end and compares it with the checksum in its footer
   * (Lucene's {@code checkIntegrity}). Opening a segment checks only headers and footers, so bytes
   * flipped in the middle of a compound file would otherwise go unnoticed until — or even after — a
   * query reads them. Costs one sequential read of the index (about a second per GB).
   *
   * @throws CorruptIndexException naming the file whose checksum does not match
   */
  static void verifyChecksums(Directory dir) throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      for (LeafReaderContext leaf : reader.leaves()) leaf.reader().checkIntegrity();
    }
  }

  /** The stream offsets recorded in a commit's user data. */
  static Map<StreamPartition, Long> offsets(Map<String, String> userData) {
    Map<StreamPartition, Long> out = new TreeMap<>(BY_TOPIC_PARTITION);
    userData.forEach(
        (key, value) -> {
          StreamPartition tp = StreamPartition.fromUserDataKey(key);
          if (tp == null) return;
          try {
            out.put(tp, Long.parseLong(value));
          } catch (NumberFormatException e) {
            throw new IndexUnavailableException(
                "index commit records offset '" + value + "' for " + tp + ", not a number");
          }
        });
    return Map.copyOf(out);
  }

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
              "index at " + path + " is corrupt (" + c.getMessage() + "): " + REBUILD_ADVICE, c);
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
