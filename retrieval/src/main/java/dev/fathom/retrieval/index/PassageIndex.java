package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import dev.fathom.retrieval.Passage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Fathom's passage index on disk: BM25 over English-analysed title + text, and an HNSW graph of
 * unit-length embeddings (dot product = cosine). Source records ({@link FileRecord}) live in the
 * same index so they commit atomically with their passages: a crash mid-ingest leaves the last
 * commit intact and consistent.
 *
 * <p>Opened read-only, it takes no lock and sees the last commit. Opened for writing, it holds
 * Lucene's write lock and searches see uncommitted changes (near-real-time).
 */
public final class PassageIndex implements AutoCloseable {

  /** Largest number of query terms sent to BM25 (Lucene refuses more than 1024 clauses). */
  private static final int MAX_QUERY_TERMS = 1000;

  private final Path path;
  private final Directory directory;
  private final IndexWriter writer; // null when read-only
  private final SearcherManager searchers;
  private final Analyzer analyzer = analyzer();
  private final String embeddingId;

  private PassageIndex(
      Path path, Directory directory, IndexWriter writer, SearcherManager searchers, String emb) {
    this.path = path;
    this.directory = directory;
    this.writer = writer;
    this.searchers = searchers;
    this.embeddingId = emb;
  }

  /** True when {@code path} holds a committed index. */
  public static boolean exists(Path path) {
    if (!Files.isDirectory(path)) return false;
    try (Directory d = FSDirectory.open(path)) {
      return DirectoryReader.indexExists(d);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Opens the committed index at {@code path} for searching.
   *
   * @param embeddingId the embedding model the caller will query with; must match the index
   * @throws IndexUnavailableException when it is missing, corrupt or incompatible
   */
  public static PassageIndex openReadOnly(Path path, String embeddingId) {
    if (!exists(path)) {
      throw new IndexUnavailableException(
          "no index at " + path + ": run `fathom ingest PATH...` first");
    }
    Directory dir = null;
    try {
      dir = FSDirectory.open(path);
      IndexChecks.requireCompatible(dir, path, embeddingId);
      return new PassageIndex(path, dir, null, new SearcherManager(dir, null), embeddingId);
    } catch (IOException | RuntimeException e) {
      closeQuietly(dir);
      throw IndexChecks.explain(path, e);
    }
  }

  /** Opens (creating when missing) the index at {@code path} for writing and searching. */
  public static PassageIndex openForWriting(Path path, String embeddingId) {
    Directory dir = null;
    try {
      Files.createDirectories(path);
      dir = FSDirectory.open(path);
      if (DirectoryReader.indexExists(dir)) IndexChecks.requireCompatible(dir, path, embeddingId);
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer());
      cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      cfg.setRAMBufferSizeMB(64);
      // Only explicit commits publish changes: a failed or interrupted ingest leaves the last
      // commit.
      cfg.setCommitOnClose(false);
      IndexWriter writer = new IndexWriter(dir, cfg);
      return new PassageIndex(path, dir, writer, new SearcherManager(writer, null), embeddingId);
    } catch (IOException | RuntimeException e) {
      closeQuietly(dir);
      throw IndexChecks.explain(path, e);
    }
  }

  public Path path() {
    return path;
  }

  public boolean writable() {
    return writer != null;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Replaces everything indexed for {@code record.source()} with {@code passages}. Not visible to
   * other processes until {@link #commit()}.
   */
  public void replaceSource(FileRecord record, List<Passage> passages, List<float[]> vectors) {
    requireWritable();
    if (passages.size() != vectors.size()) {
      throw new IllegalArgumentException(
          passages.size() + " passages but " + vectors.size() + " vectors");
    }
    try {
      writer.deleteDocuments(new Term(SOURCE, record.source()));
      for (int i = 0; i < passages.size(); i++) {
        writer.addDocument(passageDocument(passages.get(i), vectors.get(i)));
      }
      writer.addDocument(fileDocument(record));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to index at " + path, e);
    }
  }

  /** Removes a source and its passages. */
  public void deleteSource(String source) {
    requireWritable();
    try {
      writer.deleteDocuments(new Term(SOURCE, source));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to index at " + path, e);
    }
  }

  /** Makes all changes durable and visible; records the format and embedding model. */
  public void commit() {
    requireWritable();
    try {
      writer.setLiveCommitData(
          Map.of(USER_DATA_FORMAT, FORMAT, USER_DATA_EMBEDDING, embeddingId).entrySet());
      writer.commit();
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit index at " + path, e);
    }
  }

  private void requireWritable() {
    if (writer == null) throw new IllegalStateException("index at " + path + " is read-only");
  }

  private static Document passageDocument(Passage p, float[] vector) {
    Document d = new Document();
    d.add(new StringField(KIND, KIND_PASSAGE, Field.Store.NO));
    d.add(new StringField(ID, p.id(), Field.Store.YES));
    d.add(new StringField(SOURCE, p.source(), Field.Store.YES));
    d.add(new StoredField(TITLE, p.title()));
    d.add(new StoredField(TEXT, p.text()));
    d.add(new StoredField(START, p.start()));
    d.add(new StoredField(END, p.end()));
    d.add(new TextField(CONTENTS, p.title() + "\n" + p.text(), Field.Store.NO));
    d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    return d;
  }

  private static Document fileDocument(FileRecord r) {
    Document d = new Document();
    d.add(new StringField(KIND, KIND_FILE, Field.Store.NO));
    d.add(new StringField(SOURCE, r.source(), Field.Store.YES));
    d.add(new StringField(ROOT, r.root(), Field.Store.YES));
    d.add(new StoredField(SHA256, r.sha256()));
    d.add(new StoredField(PASSAGES, r.passages()));
    return d;
  }

  // ---------------------------------------------------------------- reading

  /** All source records, by source. */
  public Map<String, FileRecord> fileRecords() {
    return withSearcher(
        s -> {
          TopDocs top =
              s.search(
                  new TermQuery(new Term(KIND, KIND_FILE)),
                  Math.max(1, s.getIndexReader().maxDoc()));
          StoredFields stored = s.storedFields();
          Map<String, FileRecord> out = new HashMap<>();
          for (ScoreDoc sd : top.scoreDocs) {
            Document d = stored.document(sd.doc);
            FileRecord r =
                new FileRecord(
                    d.get(SOURCE),
                    d.get(ROOT),
                    d.get(SHA256),
                    d.getField(PASSAGES).numericValue().intValue());
            out.put(r.source(), r);
          }
          return out;
        });
  }

  /** Number of passages searchable now. */
  public int passageCount() {
    return withSearcher(s -> s.count(new TermQuery(new Term(KIND, KIND_PASSAGE))));
  }

  /** BM25 top {@code n} for free text; terms are analysed, never parsed as query syntax. */
  public List<ScoredPassage> bm25(String text, int n) {
    Query q = bm25Query(text);
    if (q == null) return List.of();
    return withSearcher(s -> toPassages(s, s.search(q, n)));
  }

  /** Approximate nearest neighbours of a unit-length query vector (HNSW). */
  public List<ScoredPassage> knn(float[] vector, int n) {
    return withSearcher(
        s -> toPassages(s, s.search(new KnnFloatVectorQuery(VECTOR, vector, n), n)));
  }

  Query bm25Query(String text) {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(CONTENTS, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken() && terms.size() < MAX_QUERY_TERMS) terms.add(term.toString());
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (terms.isEmpty()) return null;
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : terms) b.add(new TermQuery(new Term(CONTENTS, t)), BooleanClause.Occur.SHOULD);
    return b.build();
  }

  private static List<ScoredPassage> toPassages(IndexSearcher s, TopDocs top) throws IOException {
    StoredFields stored = s.storedFields();
    ScoredPassage[] out = new ScoredPassage[top.scoreDocs.length];
    for (int i = 0; i < out.length; i++) {
      Document d = stored.document(top.scoreDocs[i].doc);
      Passage p =
          new Passage(
              d.get(ID),
              d.get(SOURCE),
              d.get(TITLE),
              d.get(TEXT),
              d.getField(START).numericValue().intValue(),
              d.getField(END).numericValue().intValue());
      out[i] = new ScoredPassage(p, top.scoreDocs[i].score);
    }
    return List.of(out);
  }

  private interface SearchWork<T> {
    T run(IndexSearcher searcher) throws IOException;
  }

  private <T> T withSearcher(SearchWork<T> work) {
    IndexSearcher s = null;
    try {
      if (writer != null) searchers.maybeRefresh();
      s = searchers.acquire();
      return work.run(s);
    } catch (IOException e) {
      throw new UncheckedIOException("search failed on index at " + path, e);
    } finally {
      if (s != null) {
        try {
          searchers.release(s);
        } catch (IOException ignored) {
          // releasing a reader reference cannot lose data
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      searchers.close();
      if (writer != null) writer.close(); // uncommitted changes are dropped (commitOnClose=false)
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close index at " + path, e);
    } finally {
      closeQuietly(directory);
    }
  }

  private static void closeQuietly(Directory d) {
    if (d == null) return;
    try {
      d.close();
    } catch (IOException ignored) {
      // nothing more can be done; the caller already has the primary error
    }
  }
}
