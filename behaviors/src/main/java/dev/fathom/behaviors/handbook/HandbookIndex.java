package dev.fathom.behaviors.handbook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene side of a {@link Handbook}: one document per behavior ({@link HandbookDocuments}),
 * each write committed at once (durable when the call returns), and the kNN search over the
 * instruction embeddings. The handbook's rules (merging, the in-memory copy) are not here.
 */
final class HandbookIndex implements AutoCloseable {

  /** A stored behavior with its instruction's embedding. */
  record Stored(Behavior behavior, float[] vector) {}

  /** A behavior name found for a query, with its instruction's cosine similarity to it. */
  record Found(String name, double similarity) {}

  private final Path path;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;

  /** Opens (creating if absent) the index in {@code path}. */
  HandbookIndex(Path path) throws IOException {
    this.path = path;
    this.directory = FSDirectory.open(path);
    this.writer = new IndexWriter(directory, new IndexWriterConfig());
    this.searchers = new SearcherManager(writer, null);
  }

  /** Writes {@code b} (replacing the behavior of its name) and commits. */
  void write(Behavior b, float[] vector) {
    Document d = HandbookDocuments.of(b, vector);
    try {
      writer.updateDocument(new Term(HandbookDocuments.NAME, b.name()), d);
      commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + b.name() + " to " + path, e);
    }
  }

  /** Deletes the behavior called {@code name} and commits. */
  void delete(String name) {
    try {
      writer.deleteDocuments(new Term(HandbookDocuments.NAME, name));
      commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + name + " from " + path, e);
    }
  }

  /** Every stored behavior (none when the index is new). */
  List<Stored> all() throws IOException {
    List<Stored> out = new ArrayList<>();
    if (!DirectoryReader.indexExists(directory)) return out;
    IndexSearcher s = searchers.acquire();
    try {
      StoredFields stored = s.storedFields();
      int n = Math.max(1, s.getIndexReader().maxDoc());
      for (ScoreDoc sd : s.search(new MatchAllDocsQuery(), n).scoreDocs) {
        Document d = stored.document(sd.doc);
        out.add(new Stored(HandbookDocuments.behavior(d), HandbookDocuments.vector(d)));
      }
    } finally {
      searchers.release(s);
    }
    return out;
  }

  /**
   * The names of the {@code k} behaviors nearest {@code vector}, most similar first; with {@code
   * topics} non-empty only behaviors of those topics and general ones (topic "") qualify.
   */
  List<Found> nearest(float[] vector, int k, Set<String> topics) {
    Query filter = null;
    if (!topics.isEmpty()) {
      List<BytesRef> terms = new ArrayList<>();
      terms.add(new BytesRef(""));
      topics.forEach(t -> terms.add(new BytesRef(t.strip())));
      filter = new TermInSetQuery(HandbookDocuments.TOPIC, terms);
    }
    KnnFloatVectorQuery query =
        new KnnFloatVectorQuery(HandbookDocuments.VECTOR, vector, k, filter);
    try {
      IndexSearcher s = searchers.acquire();
      try {
        List<Found> out = new ArrayList<>();
        StoredFields stored = s.storedFields();
        for (ScoreDoc sd : s.search(query, k).scoreDocs) {
          // Lucene's DOT_PRODUCT score is (1 + cos) / 2.
          out.add(
              new Found(stored.document(sd.doc).get(HandbookDocuments.NAME), 2.0 * sd.score - 1.0));
        }
        return out;
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search the behavior handbook at " + path, e);
    }
  }

  private void commit() throws IOException {
    writer.commit();
    searchers.maybeRefreshBlocking();
  }

  @Override
  public void close() throws IOException {
    searchers.close();
    writer.close();
    directory.close();
  }
}
