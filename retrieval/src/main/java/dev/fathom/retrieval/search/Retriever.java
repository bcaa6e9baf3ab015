package dev.fathom.retrieval.search;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import java.util.List;

/**
 * The retrieval stage: ranked passages for a query. Implementations are thread-safe.
 *
 * <p>The methods without a {@link Principal} search as the index {@link Principal#owner() owner}
 * (the local CLI user). Anything serving remote callers must use the {@code Principal} overloads,
 * which return only passages the caller may read. Those have fail-closed defaults: an
 * implementation that does not filter by access list serves only the owner and refuses anyone else.
 */
public interface Retriever {

  /**
   * Returns at most {@code k} hits, best first.
   *
   * @throws IllegalArgumentException if the query is blank or {@code k} is not positive
   */
  List<Hit> search(String query, SearchMode mode, int k);

  /** Like {@link #search}, with the query vector already computed (lets callers time it apart). */
  List<Hit> search(String query, float[] queryVector, SearchMode mode, int k);

  /**
   * At most {@code k} hits among the passages {@code caller} may read, best first.
   *
   * @throws UnsupportedOperationException when this implementation cannot filter by access list and
   *     the caller is not the owner
   */
  default List<Hit> search(String query, SearchMode mode, int k, Principal caller) {
    requireOwner(caller);
    return search(query, mode, k);
  }

  /** Like {@link #search(String, SearchMode, int, Principal)}, with the query vector given. */
  default List<Hit> search(
      String query, float[] queryVector, SearchMode mode, int k, Principal caller) {
    requireOwner(caller);
    return search(query, queryVector, mode, k);
  }

  private void requireOwner(Principal caller) {
    if (!caller.unrestricted()) {
      throw new UnsupportedOperationException(
          getClass().getSimpleName()
              + " does not filter by access list; cannot search for "
              + caller);
    }
  }
}
