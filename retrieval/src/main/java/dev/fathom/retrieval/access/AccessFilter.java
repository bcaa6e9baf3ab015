package dev.fathom.retrieval.access;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene filter that restricts a search to what a caller may read. It is applied inside every
 * query (as a {@code FILTER} clause for BM25 and as the pre-filter of the HNSW search for kNN), so
 * the top-k is computed over permitted passages only: no {@code k}, mode or query can surface a
 * forbidden passage, and a filtered kNN still returns k permitted neighbours instead of fewer.
 */
public final class AccessFilter {
  private AccessFilter() {}

  /**
   * @param field the indexed access-token field
   * @return null for the unrestricted owner (no filter), else a query matching passages that carry
   *     one of the caller's tokens
   */
  public static Query forCaller(String field, Principal caller) {
    if (caller.unrestricted()) return null;
    List<BytesRef> terms = new ArrayList<>();
    for (String t : caller.accessTokens()) terms.add(new BytesRef(t));
    return new TermInSetQuery(field, terms);
  }
}
