package dev.fathom.retrieval.solr;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.search.Retriever;
import java.util.List;

/**
 * Retrieval from SolrCloud, a drop-in for the embedded index: BM25 and kNN are Solr queries on a
 * {@link SolrPassageStore}, and hybrid is Fathom's own weighted reciprocal rank fusion ({@link
 * HybridRetriever}) over the two, so both backends rank with one fusion and the same settings.
 *
 * <p>Fusing client-side costs two round trips instead of one; Solr 9's single-request pattern (a
 * lexical query with a {@code {!knn}} boost over normalised scores) would save one but ranks
 * differently from the embedded index, which the drop-in promise rules out until it is measured to
 * be as good (issue 19).
 */
public final class SolrRetriever implements Retriever {
  private final SolrPassageStore store;
  private final HybridRetriever fused;

  public SolrRetriever(
      SolrPassageStore store, Embedder embedder, HybridRetriever.Settings settings) {
    this.store = store;
    this.fused = new HybridRetriever(store, embedder, settings);
  }

  public SolrPassageStore store() {
    return store;
  }

  @Override
  public List<Hit> search(String query, SearchMode mode, int k) {
    return fused.search(query, mode, k);
  }

  @Override
  public List<Hit> search(String query, float[] queryVector, SearchMode mode, int k) {
    return fused.search(query, queryVector, mode, k);
  }

  /** Filtered inside Solr: the access list is a filter query of both lists, before fusion. */
  @Override
  public List<Hit> search(String query, SearchMode mode, int k, Principal caller) {
    return fused.search(query, mode, k, caller);
  }

  @Override
  public List<Hit> search(
      String query, float[] queryVector, SearchMode mode, int k, Principal caller) {
    return fused.search(query, queryVector, mode, k, caller);
  }
}
