package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.analyzer;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.filter.SearchFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;

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
 *
 * <p>The work is split along its seams: {@link IndexOpener} opens and checks, {@link SourceWriter}
 * writes and commits, {@link PassageQueries} builds the Lucene queries, {@link PassageReads} reads
 * records and stored vectors, and {@link IndexSearchers} lends point-in-time searchers.
 */
public final class PassageIndex implements StreamStore, AutoCloseable {

  private final Path path;
  private final Directory directory;
  private final SourceWriter writer; // null when read-only
  private final IndexSearchers searchers;
  private final Analyzer analyzer = analyzer();
  private final String embeddingId;
  private volatile Map<StreamPartition, Long> committedOffsets;

  PassageIndex(
      Path path, Directory directory, IndexWriter writer, SearcherManager searchers, String emb)
      throws IOException {
    this.path = path;
    this.directory = directory;
    this.writer = writer == null ? null : new SourceWriter(writer, path, emb);
    this.searchers = new IndexSearchers(searchers, path, writer != null);
    this.embeddingId = emb;
    this.committedOffsets =
        DirectoryReader.indexExists(directory)
            ? IndexChecks.offsets(SegmentInfos.readLatestCommit(directory).getUserData())
            : Map.of();
  }

  /** True when {@code path} holds a committed index. */
  public static boolean exists(Path path) {
    return IndexOpener.exists(path);
  }

  /**
   * Opens the committed index at {@code path} for searching.
   *
   * @param embeddingId the embedding model the caller will query with; must match the index
   * @throws IndexUnavailableException when it is missing, corrupt or incompatible
   */
  public static PassageIndex openReadOnly(Path path, String embeddingId) {
    return IndexOpener.readOnly(path, embeddingId);
  }

  /** Opens (creating when missing) the index at {@code path} for writing and searching. */
  public static PassageIndex openForWriting(Path path, String embeddingId) {
    return IndexOpener.forWriting(path, embeddingId);
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
    writer.replace(record, passages, vectors, null);
  }

  /**
   * Like {@link #replaceSource(FileRecord, List, List)}, each passage storing its sentence vectors
   * (int8-quantised, {@link SentenceVectorCodec}) for the compressors.
   */
  @Override
  public void replaceSource(
      FileRecord record, List<Passage> passages, List<float[]> vectors, List<SentenceVectors> sv) {
    requireWritable();
    writer.replace(record, passages, vectors, sv);
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
    writer.delete(source);
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
    committedOffsets = writer.commit(committedOffsets, applied);
    try {
      searchers.refreshBlocking();
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
    return searchers.with(PassageReads::fileRecords);
  }

  /** The committed record of {@code source}, or null when the index holds none. */
  public FileRecord fileRecord(String source) {
    return searchers.with(s -> PassageReads.fileRecord(s, source));
  }

  /** Most passages {@link #passagesOf} returns for one source. */
  public static final int MAX_PASSAGES_PER_SOURCE = PassageReads.MAX_PASSAGES_PER_SOURCE;

  /**
   * The passages of {@code source} that {@code caller} may read, in document order (by start
   * offset), at most {@link #MAX_PASSAGES_PER_SOURCE}; empty when the source is unknown or hidden
   * from the caller. Lets a reader see a cited passage within its document (the web page's citation
   * view); the access filter is the same as for searches, so it reveals nothing a search would not.
   */
  public List<Passage> passagesOf(String source, Principal caller) {
    Query query = PassageQueries.passagesOf(source, caller);
    return searchers.with(s -> PassageReads.inDocumentOrder(s, query));
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
    return searchers.with(s -> StoredSentenceVectors.read(s, ids));
  }

  /** Number of passages searchable now. */
  @Override
  public int passageCount() {
    return searchers.with(s -> s.count(PassageQueries.passages()));
  }

  /**
   * BM25's inverse document frequency of each analysed term of the searchable text ({@code log(1 +
   * (N − df + 0.5) / (df + 0.5))}, Lucene's {@code BM25Similarity}, over all passages): how much a
   * match on the term says. Terms must already be analysed (English stemming, as this index).
   */
  public Map<String, Double> idf(Collection<String> analysedTerms) {
    return searchers.with(s -> PassageReads.idf(s, analysedTerms));
  }

  /**
   * The stored dense vectors of the passages with these ids (ids not in the index are left out).
   * For rankers that compare candidates with each other (pseudo-relevance feedback, neighbour
   * agreement) without embedding them again: one term lookup and one vector read per id.
   */
  public Map<String, float[]> vectors(Collection<String> ids) {
    return searchers.with(s -> PassageReads.vectors(s, ids));
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
    Query q = PassageQueries.bm25(analyzer, text, caller, filter);
    if (q == null) return List.of();
    return searchers.with(s -> IndexDocuments.passages(s, s.search(q, n)));
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
    Query q = PassageQueries.knn(vector, n, caller, filter);
    return searchers.with(s -> IndexDocuments.passages(s, s.search(q, n)));
  }

  @Override
  public void close() {
    try {
      searchers.close();
      if (writer != null) writer.close(); // uncommitted changes are dropped (commitOnClose=false)
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close index at " + path, e);
    } finally {
      IndexOpener.closeQuietly(directory);
    }
  }
}
