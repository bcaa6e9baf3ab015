package dev.fathom.retrieval.search;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import java.util.List;

/** The retrieval stage: ranked passages for a query. Implementations are thread-safe. */
public interface Retriever {

  /**
   * Returns at most {@code k} hits, best first.
   *
   * @throws IllegalArgumentException if the query is blank or {@code k} is not positive
   */
  List<Hit> search(String query, SearchMode mode, int k);

  /** Like {@link #search}, with the query vector already computed (lets callers time it apart). */
  List<Hit> search(String query, float[] queryVector, SearchMode mode, int k);
}
