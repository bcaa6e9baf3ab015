package dev.fathom.retrieval.search;

import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.filter.SearchFilter;
import java.util.Objects;

/**
 * Where a search looks: which collection's index, and which of its passages (metadata and path
 * conditions, applied inside the Lucene query together with the access filter).
 *
 * @param collection the collection searched
 * @param filter the conditions every returned passage meets
 */
public record SearchScope(CollectionName collection, SearchFilter filter) {

  /** The default collection, unfiltered. */
  public static final SearchScope DEFAULT =
      new SearchScope(CollectionName.DEFAULT, SearchFilter.NONE);

  public SearchScope {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(filter, "filter");
  }

  /** The whole of {@code collection}. */
  public static SearchScope of(CollectionName collection) {
    return new SearchScope(collection, SearchFilter.NONE);
  }
}
