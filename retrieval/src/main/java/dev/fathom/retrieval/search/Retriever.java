package dev.fathom.retrieval.search;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import java.util.List;
import java.util.Map;

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

  /**
   * At most {@code k} hits among the passages of {@code scope} that {@code caller} may read. The
   * default serves only the whole default collection: an implementation that cannot filter or
   * choose a collection refuses a scope it would otherwise ignore.
   *
   * @throws UnsupportedOperationException naming what this implementation cannot honour
   */
  default List<Hit> search(
      String query, SearchMode mode, int k, Principal caller, SearchScope scope) {
    if (!scope.filter().isEmpty()) {
      throw new UnsupportedOperationException(
          getClass().getSimpleName() + " cannot filter by metadata; got " + scope.filter());
    }
    if (!scope.collection().equals(dev.fathom.retrieval.collection.CollectionName.DEFAULT)) {
      throw new UnsupportedOperationException(
          getClass().getSimpleName()
              + " searches one index; cannot search collection "
              + scope.collection());
    }
    return search(query, mode, k, caller);
  }

  /**
   * Passage id → the 0–1 relevance people see for {@code hits} of this retriever in {@code mode}
   * ({@link Relevance}). Empty by default: only a retriever that knows how its scores were made
   * (its RRF weights and k) can put them on that scale.
   */
  default Map<String, Double> relevance(List<Hit> hits, SearchMode mode) {
    return Map.of();
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
