package dev.fathom.retrieval.index;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.filter.SearchFilter;
import java.util.List;
import java.util.Map;

/**
 * Where passages, their embeddings and source records live: the embedded {@link PassageIndex} (one
 * Lucene index per machine) or a distributed search engine ({@code
 * dev.fathom.retrieval.solr.SolrPassageStore}, SolrCloud). The ingestor writes through it and the
 * hybrid retriever reads through it, so both backends share one ingest path and one fusion.
 *
 * <p>Contract shared by every backend: BM25 over English-analysed title + text, kNN over
 * unit-length embeddings (cosine), and the access filter applied inside each query before the top
 * {@code n} is taken, so a filtered search returns {@code n} permitted passages, never a
 * post-filtered subset.
 */
public interface PassageStore {

  /** Replaces everything stored for {@code record.source()}; visible after {@link #commit()}. */
  void replaceSource(FileRecord record, List<Passage> passages, List<float[]> vectors);

  /**
   * Like {@link #replaceSource(FileRecord, List, List)}, each passage also carrying the vectors of
   * its sentences ({@code sentences.get(i)} for {@code passages.get(i)}), which a store that {@link
   * #storesSentenceVectors() keeps them} stores for the compressors; others drop them, and
   * compression embeds those sentences per question.
   */
  default void replaceSource(
      FileRecord record,
      List<Passage> passages,
      List<float[]> vectors,
      List<dev.fathom.retrieval.embed.SentenceVectors> sentences) {
    replaceSource(record, passages, vectors);
  }

  /**
   * Whether this store keeps sentence vectors, so ingest spends the time embedding them
   * (docs/compression.md); the SolrCloud store does not.
   */
  default boolean storesSentenceVectors() {
    return false;
  }

  /** Removes a source and its passages; visible after {@link #commit()}. */
  void deleteSource(String source);

  /** Makes all changes durable and searchable. */
  void commit();

  /** All source records, by source. */
  Map<String, FileRecord> fileRecords();

  /** Number of passages searchable now. */
  int passageCount();

  /** BM25 top {@code n} of the passages {@code caller} may read. */
  List<ScoredPassage> bm25(String text, int n, Principal caller);

  /** Nearest {@code n} passages to a unit-length vector among those {@code caller} may read. */
  List<ScoredPassage> knn(float[] vector, int n, Principal caller);

  /**
   * Like {@link #bm25(String, int, Principal)}, restricted to passages {@code filter} admits. A
   * store that cannot filter by metadata refuses a non-empty filter rather than ignore it.
   */
  default List<ScoredPassage> bm25(String text, int n, Principal caller, SearchFilter filter) {
    requireNoFilter(filter);
    return bm25(text, n, caller);
  }

  /** Like {@link #knn(float[], int, Principal)}, restricted to passages {@code filter} admits. */
  default List<ScoredPassage> knn(float[] vector, int n, Principal caller, SearchFilter filter) {
    requireNoFilter(filter);
    return knn(vector, n, caller);
  }

  private void requireNoFilter(SearchFilter filter) {
    if (filter != null && !filter.isEmpty()) {
      throw new UnsupportedOperationException(
          "metadata filters are not supported by "
              + getClass().getSimpleName()
              + " (docs/scale-out.md); search without --filter");
    }
  }
}
