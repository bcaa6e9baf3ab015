package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.AccessFilter;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.text.SentenceSplitter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Fathom's passage index on disk: BM25 over English-analysed title + text, and an HNSW graph of
 * unit-length embeddings (dot product = cosine). Source records ({@link FileRecord}) live in the
 * same index so they commit atomically with their passages: a crash mid-ingest leaves the last
 * commit intact and consistent.
 *
 * <p>Opened read-only, it takes no lock and sees the last commit. Opened for writing, it holds
 * Lucene's write lock and searches see uncommitted changes (near-real-time). Both opens verify the
 * checksum of every file of the last commit first ({@link IndexChecks#verifyChecksums}), so flipped
 * bytes are a clear {@link IndexUnavailableException} at start instead of wrong answers later.
 *
 * <p><b>Access control.</b> Every passage carries the access tokens of its source's {@link
 * dev.fathom.retrieval.access.AccessList}; the search methods that take a {@link Principal} filter
 * inside the Lucene query. The overloads without one search as {@link Principal#owner()} (the local
 * CLI user who owns the index files); servers must call the {@code Principal} overloads.
 *
 * <p><b>Stream offsets.</b> {@link #commit(Map)} records, in the same Lucene commit as the
 * documents, the next offset of each document-stream partition applied so far; {@link
 * #appliedOffsets()} reads them back on open, empty for a new (or deleted) index, so the stream
 * consumer can seek there and rebuild whatever the index lacks.
 */
public final class PassageIndex implements StreamStore, AutoCloseable {

  /** Largest number of query terms sent to BM25 (Lucene refuses more than 1024 clauses). */
  private static final int MAX_QUERY_TERMS = 1000;

  private final Path path;
  private final Directory directory;
  private final IndexWriter writer; // null when read-only
  private final SearcherManager searchers;
  private final Analyzer analyzer = analyzer();
  private final String embeddingId;
  private volatile Map<StreamPartition, Long> committedOffsets;

  private PassageIndex(
      Path path, Directory directory, IndexWriter writer, SearcherManager searchers, String emb)
      throws IOException {
    this.path = path;
    this.directory = directory;
    this.writer = writer;
    this.searchers = searchers;
    this.embeddingId = emb;
    this.committedOffsets =
        DirectoryReader.indexExists(directory)
            ? IndexChecks.offsets(SegmentInfos.readLatestCommit(directory).getUserData())
            : Map.of();
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
      IndexChecks.verifyChecksums(dir);
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
      if (DirectoryReader.indexExists(dir)) {
        IndexChecks.requireCompatible(dir, path, embeddingId);
        IndexChecks.verifyChecksums(dir);
      }
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
   * Replaces everything indexed for {@code record.source()} with {@code passages}, each carrying
   * {@code record.acl()}. Not visible to other processes until {@link #commit()}.
   */
  @Override
  public void replaceSource(FileRecord record, List<Passage> passages, List<float[]> vectors) {
    requireWritable();
    if (passages.size() != vectors.size()) {
      throw new IllegalArgumentException(
          passages.size() + " passages but " + vectors.size() + " vectors");
    }
    try {
      writer.deleteDocuments(new Term(SOURCE, record.source()));
      for (int i = 0; i < passages.size(); i++) {
        writer.addDocument(IndexDocuments.passage(passages.get(i), vectors.get(i), record));
      }
      writer.addDocument(IndexDocuments.file(record));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to index at " + path, e);
    }
  }

  /**
   * Like {@link #replaceSource(FileRecord, List, List)}, each passage storing its sentence vectors
   * (int8-quantised, {@link SentenceVectorCodec}) for the compressors.
   */
  @Override
  public void replaceSource(
      FileRecord record, List<Passage> passages, List<float[]> vectors, List<SentenceVectors> sv) {
    requireWritable();
    if (passages.size() != vectors.size() || passages.size() != sv.size()) {
      throw new IllegalArgumentException(
          passages.size()
              + " passages but "
              + vectors.size()
              + " vectors and "
              + sv.size()
              + " sentence-vector lists");
    }
    try {
      writer.deleteDocuments(new Term(SOURCE, record.source()));
      for (int i = 0; i < passages.size(); i++) {
        Passage p = passages.get(i);
        byte[] bytes =
            SentenceVectorCodec.encode(embeddingId, SentenceSplitter.VERSION, p.text(), sv.get(i));
        writer.addDocument(IndexDocuments.passage(p, vectors.get(i), record, bytes));
      }
      writer.addDocument(IndexDocuments.file(record));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to index at " + path, e);
    }
  }

  /** The embedding model id this index was opened with (the one its vectors were made by). */
  public String embeddingId() {
    return embeddingId;
  }

  /** This index stores sentence vectors (in a binary doc value per passage). */
  @Override
  public boolean storesSentenceVectors() {
    return true;
  }

  /** Removes a source and its passages. */
  @Override
  public void deleteSource(String source) {
    requireWritable();
    try {
      writer.deleteDocuments(new Term(SOURCE, source));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to index at " + path, e);
    }
  }

  /**
   * Makes all changes durable and visible; records the format and embedding model, and keeps the
   * stream offsets of the previous commit.
   */
  @Override
  public void commit() {
    commit(Map.of());
  }

  /**
   * Like {@link #commit()}, and records in the same Lucene commit that the document stream has been
   * applied up to {@code applied} (partition → next offset to read). Partitions not named keep
   * their recorded offset. Call it with the offsets of exactly the records whose changes this
   * commit holds, so a crash can never record an offset ahead of the documents.
   */
  public synchronized void commit(Map<StreamPartition, Long> applied) {
    requireWritable();
    Map<StreamPartition, Long> offsets = new TreeMap<>(IndexChecks.BY_TOPIC_PARTITION);
    offsets.putAll(committedOffsets);
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
      committedOffsets = Map.copyOf(offsets);
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit index at " + path, e);
    }
  }

  /**
   * The document-stream offsets recorded by the last commit (partition → next offset to read);
   * empty for a new or rebuilt index, meaning "read the stream from the beginning". The server's
   * document consumer seeks each assigned partition here on start.
   */
  public Map<StreamPartition, Long> appliedOffsets() {
    return committedOffsets;
  }

  private void requireWritable() {
    if (writer == null) throw new IllegalStateException("index at " + path + " is read-only");
  }

  // ---------------------------------------------------------------- reading

  /** All source records, by source. */
  @Override
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
            FileRecord r = IndexDocuments.fileRecord(d);
            out.put(r.source(), r);
          }
          return out;
        });
  }

  /** The committed record of {@code source}, or null when the index holds none. */
  public FileRecord fileRecord(String source) {
    return withSearcher(
        s -> {
          Query q =
              new BooleanQuery.Builder()
                  .add(new TermQuery(new Term(KIND, KIND_FILE)), BooleanClause.Occur.FILTER)
                  .add(new TermQuery(new Term(SOURCE, source)), BooleanClause.Occur.FILTER)
                  .build();
          TopDocs top = s.search(q, 1);
          return top.scoreDocs.length == 0
              ? null
              : IndexDocuments.fileRecord(s.storedFields().document(top.scoreDocs[0].doc));
        });
  }

  /** Most passages {@link #passagesOf} returns for one source. */
  public static final int MAX_PASSAGES_PER_SOURCE = 10_000;

  /**
   * The passages of {@code source} that {@code caller} may read, in document order (by start
   * offset), at most {@link #MAX_PASSAGES_PER_SOURCE}; empty when the source is unknown or hidden
   * from the caller. Lets a reader see a cited passage within its document (the web page's citation
   * view); the access filter is the same as for searches, so it reveals nothing a search would not.
   */
  public List<Passage> passagesOf(String source, Principal caller) {
    var q =
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term(KIND, KIND_PASSAGE)), BooleanClause.Occur.FILTER)
            .add(new TermQuery(new Term(SOURCE, source)), BooleanClause.Occur.FILTER);
    Query filter = AccessFilter.forCaller(ACL, caller);
    if (filter != null) q.add(filter, BooleanClause.Occur.FILTER);
    Query query = q.build();
    return withSearcher(
        s ->
            IndexDocuments.passages(s, s.search(query, MAX_PASSAGES_PER_SOURCE)).stream()
                .map(ScoredPassage::passage)
                .sorted(java.util.Comparator.comparingInt(Passage::start))
                .toList());
  }

  /**
   * The sentence vectors stored with this index's passages, for compressors that embed with {@code
   * model} (the id as {@link #openReadOnly} takes it) into {@code dimension}-long vectors; vectors
   * of another model, dimension or sentence cutting are ignored with one logged line.
   */
  public SentenceVectorSource sentenceVectors(String model, int dimension) {
    return new StoredSentenceVectors(this, model, dimension);
  }

  /** {@link StoredSentenceVectors#read} on the current searcher. */
  Map<String, byte[]> sentenceVectorBytes(Collection<String> ids) {
    return withSearcher(s -> StoredSentenceVectors.read(s, ids));
  }

  /** Number of passages searchable now. */
  @Override
  public int passageCount() {
    return withSearcher(s -> s.count(new TermQuery(new Term(KIND, KIND_PASSAGE))));
  }

  /**
   * BM25's inverse document frequency of each analysed term of the searchable text ({@code log(1 +
   * (N − df + 0.5) / (df + 0.5))}, Lucene's {@code BM25Similarity}, over all passages): how much a
   * match on the term says. Terms must already be analysed (English stemming, as this index).
   */
  public Map<String, Double> idf(Collection<String> analysedTerms) {
    return withSearcher(
        s -> {
          long n = s.getIndexReader().getDocCount(CONTENTS);
          Map<String, Double> out = new LinkedHashMap<>();
          for (String t : analysedTerms) {
            int df = s.getIndexReader().docFreq(new Term(CONTENTS, t));
            out.put(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
          }
          return out;
        });
  }

  /**
   * The stored dense vectors of the passages with these ids (ids not in the index are left out).
   * For rankers that compare candidates with each other (pseudo-relevance feedback, neighbour
   * agreement) without embedding them again: one term lookup and one vector read per id.
   */
  public Map<String, float[]> vectors(Collection<String> ids) {
    return withSearcher(
        s -> {
          Map<String, float[]> out = new HashMap<>(ids.size() * 2);
          for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            LeafReader r = leaf.reader();
            FloatVectorValues values = r.getFloatVectorValues(VECTOR);
            if (values == null) continue;
            Bits live = r.getLiveDocs();
            TreeMap<Integer, String> docs = new TreeMap<>();
            for (String id : ids) {
              PostingsEnum pe = r.postings(new Term(ID, id), PostingsEnum.NONE);
              if (pe == null) continue;
              for (int d = pe.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = pe.nextDoc()) {
                if (live == null || live.get(d)) docs.put(d, id);
              }
            }
            KnnVectorValues.DocIndexIterator it = values.iterator();
            for (Map.Entry<Integer, String> e : docs.entrySet()) {
              if (it.docID() < e.getKey() && it.advance(e.getKey()) != e.getKey()) continue;
              if (it.docID() != e.getKey()) continue;
              out.put(e.getValue(), values.vectorValue(it.index()).clone());
            }
          }
          return out;
        });
  }

  /** BM25 as the index {@link Principal#owner() owner}: unfiltered. For the local CLI only. */
  public List<ScoredPassage> bm25(String text, int n) {
    return bm25(text, n, Principal.owner());
  }

  /**
   * BM25 top {@code n} of the passages {@code caller} may read; terms are analysed, never parsed as
   * query syntax. The access filter is a non-scoring {@code FILTER} clause of the same query, so
   * scores are unchanged and the top {@code n} is taken over permitted passages only.
   */
  @Override
  public List<ScoredPassage> bm25(String text, int n, Principal caller) {
    return bm25(text, n, caller, SearchFilter.NONE);
  }

  /**
   * Like {@link #bm25(String, int, Principal)}, among the passages that also match {@code filter}
   * (metadata and path conditions): one non-scoring {@code FILTER} clause with the access filter.
   */
  public List<ScoredPassage> bm25(String text, int n, Principal caller, SearchFilter filter) {
    Query q = bm25Query(text);
    if (q == null) return List.of();
    Query restriction = FilterQueries.combine(AccessFilter.forCaller(ACL, caller), filter);
    Query restricted =
        restriction == null
            ? q
            : new BooleanQuery.Builder()
                .add(q, BooleanClause.Occur.MUST)
                .add(restriction, BooleanClause.Occur.FILTER)
                .build();
    return withSearcher(s -> IndexDocuments.passages(s, s.search(restricted, n)));
  }

  /** kNN as the index {@link Principal#owner() owner}: unfiltered. For the local CLI only. */
  public List<ScoredPassage> knn(float[] vector, int n) {
    return knn(vector, n, Principal.owner());
  }

  /**
   * Approximate nearest neighbours of a unit-length query vector (HNSW) among the passages {@code
   * caller} may read. The access filter is the kNN query's own filter, applied during the graph
   * search (Lucene explores past forbidden nodes and falls back to exact search when the filter is
   * very selective), so the result is the n nearest permitted passages — not a post-filtered,
   * shorter list.
   */
  @Override
  public List<ScoredPassage> knn(float[] vector, int n, Principal caller) {
    return knn(vector, n, caller, SearchFilter.NONE);
  }

  /**
   * Like {@link #knn(float[], int, Principal)}, among the passages that also match {@code filter}:
   * the metadata conditions join the access filter as the graph search's pre-filter.
   */
  public List<ScoredPassage> knn(float[] vector, int n, Principal caller, SearchFilter filter) {
    Query restriction = FilterQueries.combine(AccessFilter.forCaller(ACL, caller), filter);
    Query q = new KnnFloatVectorQuery(VECTOR, vector, n, restriction);
    return withSearcher(s -> IndexDocuments.passages(s, s.search(q, n)));
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
