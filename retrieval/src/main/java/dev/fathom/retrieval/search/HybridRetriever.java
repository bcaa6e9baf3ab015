package dev.fathom.retrieval.search;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.index.PassageStore;
import dev.fathom.retrieval.index.ScoredPassage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The default retriever: BM25, dense kNN, or both fused with reciprocal rank fusion (Cormack,
 * Clarke and Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and individual rank learning
 * methods", SIGIR 2009): {@code score(d) = Σ_i w_i / (k + rank_i(d))}.
 *
 * <p>Each list is asked for {@link Settings#candidates()} results, more than the caller's k: HNSW
 * is approximate, and fusion needs depth to let a document ranked moderately by both lists rise.
 */
public final class HybridRetriever implements Retriever {

  /**
   * @param candidates how many results each of BM25 and kNN contributes before fusion
   * @param rrfK the RRF constant k (60 in the paper)
   * @param bm25Weight weight of the BM25 list in the fused score
   * @param denseWeight weight of the dense list in the fused score
   */
  public record Settings(int candidates, int rrfK, double bm25Weight, double denseWeight) {
    public Settings {
      if (candidates < 1 || candidates > 10_000) {
        throw new IllegalArgumentException("candidates must be in [1, 10000], got " + candidates);
      }
      if (rrfK < 0 || rrfK > 10_000) {
        throw new IllegalArgumentException("rrfK must be in [0, 10000], got " + rrfK);
      }
      if (bm25Weight < 0 || denseWeight < 0 || bm25Weight + denseWeight == 0) {
        throw new IllegalArgumentException(
            "fusion weights must be >= 0 and not both 0, got bm25="
                + bm25Weight
                + " dense="
                + denseWeight);
      }
    }

    /** The defaults of {@code fathom.retrieval} in application.conf. */
    public static Settings defaults() {
      return new Settings(100, 20, 1.0, 0.5);
    }
  }

  /**
   * Told the BM25 and dense lists behind every hybrid result, which fusion otherwise discards: a
   * ranker that learns from them (the fusion ranker, docs/ranking.md) can take them instead of
   * asking the index again. Called on the searching thread; must be quick and thread-safe.
   */
  @FunctionalInterface
  public interface ListsListener {
    /**
     * @param query the query searched
     * @param hits the fused result returned to the caller
     * @param bm25 the BM25 list fused (best first, {@code max(k, candidates)} deep at most)
     * @param dense the dense list fused (best first, cosine similarities)
     */
    void searched(
        String query, List<Hit> hits, List<ScoredPassage> bm25, List<ScoredPassage> dense);

    /**
     * As {@link #searched(String, List, List, List)} with the query's vector the dense list was
     * searched with (the fusion ranker's sentence-level features compare it with sentences).
     */
    default void searched(
        String query,
        float[] vector,
        List<Hit> hits,
        List<ScoredPassage> bm25,
        List<ScoredPassage> dense) {
      searched(query, hits, bm25, dense);
    }

    ListsListener NONE = (query, hits, bm25, dense) -> {};
  }

  private final PassageStore index;
  private final Embedder embedder;
  private final Settings settings;
  private final ListsListener listener;

  public HybridRetriever(PassageStore index, Embedder embedder, Settings settings) {
    this(index, embedder, settings, ListsListener.NONE);
  }

  /** Like {@link #HybridRetriever(PassageStore, Embedder, Settings)}, telling {@code listener}. */
  public HybridRetriever(
      PassageStore index, Embedder embedder, Settings settings, ListsListener listener) {
    this.index = index;
    this.embedder = embedder;
    this.settings = settings;
    this.listener = Objects.requireNonNull(listener, "listener");
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
    validate(query, k);
    float[] vector = mode == SearchMode.BM25 ? null : embedder.embed(query);
    return search(query, vector, mode, k, caller);
  }

  /**
   * Each list is filtered to {@code caller}'s passages inside Lucene, before ranking and fusion.
   */
  @Override
  public List<Hit> search(
      String query, float[] queryVector, SearchMode mode, int k, Principal caller) {
    return search(query, queryVector, mode, k, caller, SearchFilter.NONE);
  }

  /**
   * This retriever's one index, filtered by {@code scope.filter()}; the collection is the caller's
   * business ({@link CollectionRetriever} picks the index by it).
   */
  @Override
  public List<Hit> search(
      String query, SearchMode mode, int k, Principal caller, SearchScope scope) {
    validate(query, k);
    float[] vector = mode == SearchMode.BM25 ? null : embedder.embed(query);
    return search(query, vector, mode, k, caller, scope.filter());
  }

  /**
   * Like {@link #search(String, float[], SearchMode, int, Principal)}, each list also restricted to
   * the passages matching {@code filter} inside Lucene, before ranking and fusion.
   */
  public List<Hit> search(
      String query,
      float[] queryVector,
      SearchMode mode,
      int k,
      Principal caller,
      SearchFilter filter) {
    validate(query, k);
    return switch (mode) {
      case BM25 -> ranked(index.bm25(query, k, caller, filter), k);
      case DENSE ->
          ranked(index.knn(queryVector, Math.max(k, settings.candidates()), caller, filter), k);
      case HYBRID -> fuse(query, queryVector, k, caller, filter);
    };
  }

  /** The best fused score a passage can reach: first in both lists. */
  public double maxFusedScore() {
    return (settings.bm25Weight() + settings.denseWeight()) / (settings.rrfK() + 1);
  }

  private List<Hit> fuse(
      String query, float[] vector, int k, Principal caller, SearchFilter filter) {
    int n = Math.max(k, settings.candidates());
    Map<String, Passage> passages = new HashMap<>();
    Map<String, Double> fused = new LinkedHashMap<>();
    List<ScoredPassage> bm25 = index.bm25(query, n, caller, filter);
    List<ScoredPassage> dense = index.knn(vector, n, caller, filter);
    accumulate(bm25, settings.bm25Weight(), passages, fused);
    accumulate(dense, settings.denseWeight(), passages, fused);
    List<Map.Entry<String, Double>> order = new ArrayList<>(fused.entrySet());
    order.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
    List<Hit> hits = new ArrayList<>(Math.min(k, order.size()));
    for (int i = 0; i < order.size() && i < k; i++) {
      Map.Entry<String, Double> e = order.get(i);
      hits.add(new Hit(passages.get(e.getKey()), e.getValue().floatValue(), i + 1));
    }
    listener.searched(query, vector, hits, bm25, dense);
    return hits;
  }

  private void accumulate(
      List<ScoredPassage> list,
      double weight,
      Map<String, Passage> passages,
      Map<String, Double> fused) {
    for (int rank = 1; rank <= list.size(); rank++) {
      Passage p = list.get(rank - 1).passage();
      passages.putIfAbsent(p.id(), p);
      fused.merge(p.id(), weight / (settings.rrfK() + rank), Double::sum);
    }
  }

  private static List<Hit> ranked(List<ScoredPassage> list, int k) {
    List<Hit> hits = new ArrayList<>(Math.min(k, list.size()));
    for (int i = 0; i < list.size() && i < k; i++) {
      hits.add(new Hit(list.get(i).passage(), list.get(i).score(), i + 1));
    }
    return hits;
  }

  private static void validate(String query, int k) {
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("the query is empty");
    }
    if (k < 1 || k > 1000) throw new IllegalArgumentException("k must be in [1, 1000], got " + k);
  }
}
