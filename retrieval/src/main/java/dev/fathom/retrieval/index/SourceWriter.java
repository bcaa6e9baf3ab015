package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.SentenceSplitter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;

/**
 * The writes of a {@link PassageIndex} opened for writing: a source's passages replaced as one unit
 * with its record, and commits that carry the format, the embedding model and the document stream's
 * offsets in Lucene's commit user data, atomically with the documents.
 */
final class SourceWriter {
  private final IndexWriter writer;
  private final Path path;
  private final String embeddingId;

  SourceWriter(IndexWriter writer, Path path, String embeddingId) {
    this.writer = writer;
    this.path = path;
    this.embeddingId = embeddingId;
  }

  /** A writer that publishes changes only on {@link #commit}, never on close. */
  static IndexWriter open(Directory dir) throws IOException {
    IndexWriterConfig cfg = new IndexWriterConfig(analyzer());
    cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    cfg.setRAMBufferSizeMB(64);
    // Only explicit commits publish changes: a failed or interrupted ingest leaves the last
    // commit.
    cfg.setCommitOnClose(false);
    return new IndexWriter(dir, cfg);
  }

  /**
   * Deletes everything of {@code record.source()}, adds {@code passages} (with their sentence
   * vectors when {@code sentenceVectors} is not null) and the record.
   *
   * @throws IllegalArgumentException when the lists' sizes differ
   */
  void replace(
      FileRecord record,
      List<Passage> passages,
      List<float[]> vectors,
      List<SentenceVectors> sentenceVectors) {
    if (sentenceVectors == null && passages.size() != vectors.size()) {
      throw new IllegalArgumentException(
          passages.size() + " passages but " + vectors.size() + " vectors");
    }
    if (sentenceVectors != null
        && (passages.size() != vectors.size() || passages.size() != sentenceVectors.size())) {
      throw new IllegalArgumentException(
          passages.size()
              + " passages but "
              + vectors.size()
              + " vectors and "
              + sentenceVectors.size()
              + " sentence-vector lists");
    }
    try {
      writer.deleteDocuments(new Term(SOURCE, record.source()));
      for (int i = 0; i < passages.size(); i++) {
        Passage p = passages.get(i);
        byte[] bytes =
            sentenceVectors == null
                ? null
                : SentenceVectorCodec.encode(
                    embeddingId, SentenceSplitter.VERSION, p.text(), sentenceVectors.get(i));
        writer.addDocument(IndexDocuments.passage(p, vectors.get(i), record, bytes));
      }
      writer.addDocument(IndexDocuments.file(record));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to index at " + path, e);
    }
  }

  void delete(String source) {
    try {
      writer.deleteDocuments(new Term(SOURCE, source));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to index at " + path, e);
    }
  }

  /**
   * Commits, recording {@code committed} overridden by {@code applied} as the stream offsets;
   * returns the offsets now committed.
   *
   * @throws IllegalArgumentException naming the partition when an offset is negative (nothing is
   *     committed then)
   */
  Map<StreamPartition, Long> commit(
      Map<StreamPartition, Long> committed, Map<StreamPartition, Long> applied) {
    Map<StreamPartition, Long> offsets = new TreeMap<>(IndexChecks.BY_TOPIC_PARTITION);
    offsets.putAll(committed);
    applied.forEach(
        (tp, offset) -> {
          if (offset < 0) {
            throw new IllegalArgumentException("offset of " + tp + " must be >= 0, got " + offset);
          }
          offsets.put(tp, offset);
        });
    Map<String, String> data = new HashMap<>();
    data.put(USER_DATA_FORMAT, FORMAT);
    data.put(USER_DATA_EMBEDDING, embeddingId);
    offsets.forEach((tp, offset) -> data.put(tp.userDataKey(), Long.toString(offset)));
    try {
      writer.setLiveCommitData(data.entrySet());
      writer.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit index at " + path, e);
    }
    return Map.copyOf(offsets);
  }

  /** Drops uncommitted changes ({@code commitOnClose} is off) and releases the write lock. */
  void close() throws IOException {
    writer.close();
  }
}
