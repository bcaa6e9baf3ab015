package dev.fathom.retrieval.search;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.PassageStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The retriever over several collections, each its own {@link PassageIndex}: a scoped search runs
 * {@link HybridRetriever} on the index of the scope's collection; the searches without a scope use
 * the {@code home} scope (the collection and filter a command was started with: {@code fathom chat
 * --collection C --filter F} reaches the session's searches this way).
 */
public final class CollectionRetriever implements Retriever {

  private final Function<CollectionName, ? extends PassageStore> indexes;
  private final Embedder embedder;
  private final HybridRetriever.Settings settings;
  private final SearchScope home;
  private final HybridRetriever.ListsListener listener;

  /**
   * @param indexes the index of a collection, opened on demand; throws {@link
   *     dev.fathom.retrieval.index.IndexUnavailableException} naming a collection that does not
   *     exist
   */
  public CollectionRetriever(
      Function<CollectionName, ? extends PassageStore> indexes,
      Embedder embedder,
      HybridRetriever.Settings settings,
      SearchScope home) {
    this(indexes, embedder, settings, home, HybridRetriever.ListsListener.NONE);
  }

  /** Like the four-argument constructor, each search telling {@code listener} its two lists. */
  public CollectionRetriever(
      Function<CollectionName, ? extends PassageStore> indexes,
      Embedder embedder,
      HybridRetriever.Settings settings,
      SearchScope home,
      HybridRetriever.ListsListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.indexes = Objects.requireNonNull(indexes, "indexes");
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.home = Objects.requireNonNull(home, "home");
  }

  /** The retriever of one collection. */
  public HybridRetriever of(CollectionName collection) {
    return new HybridRetriever(indexes.apply(collection), embedder, settings, listener);
  }

  /** The scope of the searches that name none. */
  public SearchScope home() {
    return home;
  }

  /** The relevance {@code fathom search} shows, on this retriever's RRF settings. */
  @Override
  public Map<String, Double> relevance(List<Hit> hits, SearchMode mode) {
    return Relevance.of(hits, mode, settings);
  }

  @Override
  public List<Hit> search(String query, SearchMode mode, int k) {
    return search(query, mode, k, Principal.owner());
  }

  @Override
  public List<Hit> search(String query, float[] queryVector, SearchMode mode, int k) {
    return search(query, queryVector, mode, k, Principal.owner());
  }

  @Override
  public List<Hit> search(String query, SearchMode mode, int k, Principal caller) {
    return search(query, mode, k, caller, home);
  }

  @Override
  public List<Hit> search(
      String query, float[] queryVector, SearchMode mode, int k, Principal caller) {
    return of(home.collection()).search(query, queryVector, mode, k, caller, home.filter());
  }

  @Override
  public List<Hit> search(
      String query, SearchMode mode, int k, Principal caller, SearchScope scope) {
    return of(scope.collection()).search(query, mode, k, caller, scope);
  }
}
