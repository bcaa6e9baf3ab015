package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.HybridRetriever;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BEIR dataset indexed for ranking work: its corpus in a passage index (one passage per document,
 * as {@link RetrievalEvaluation} does), the hybrid retriever over it and every query's vector.
 * Training and evaluation of rankers share one, so the corpus is embedded once.
 */
public final class PreparedDataset implements AutoCloseable {

  private final BeirDataset dataset;
  private final PassageIndex index;
  private final HybridRetriever retriever;
  private final RecentSignals recent = new RecentSignals();
  private final Map<String, float[]> vectors = new HashMap<>();
  private final int depth;
  private final SentenceVectorSource sentences;

  private PreparedDataset(
      BeirDataset dataset, PassageIndex index, Embedder embedder, HybridRetriever.Settings s) {
    this.dataset = dataset;
    this.index = index;
    this.retriever = new HybridRetriever(index, embedder, s, recent);
    this.depth = s.candidates();
    this.sentences = index.sentenceVectors(index.embeddingId(), embedder.dimension());
    List<BeirDataset.Query> qs = dataset.queries();
    List<float[]> v = embedder.embedAll(qs.stream().map(BeirDataset.Query::text).toList());
    for (int i = 0; i < qs.size(); i++) vectors.put(qs.get(i).id(), v.get(i));
  }

  /**
   * Indexes {@code dataset} into a new index at {@code indexDir} (which must not hold one) and
   * embeds its queries.
   */
  public static PreparedDataset index(
      BeirDataset dataset, Embedder embedder, Path indexDir, HybridRetriever.Settings settings) {
    PassageIndex index = PassageIndex.openForWriting(indexDir, "ranking-" + embedder.dimension());
    try {
      // With sentence vectors, as `fathom ingest` stores them: the sentence_cos feature reads them.
      RetrievalEvaluation.index(dataset, index, embedder, 64, true, n -> {});
      return new PreparedDataset(dataset, index, embedder, settings);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /**
   * Opens the index at {@code indexDir} when it holds one built by {@link #index} for this dataset
   * and embedder, otherwise builds it there (saves the corpus embedding between runs).
   */
  public static PreparedDataset openOrIndex(
      BeirDataset dataset, Embedder embedder, Path indexDir, HybridRetriever.Settings settings) {
    if (!PassageIndex.exists(indexDir)) return index(dataset, embedder, indexDir, settings);
    PassageIndex index = PassageIndex.openForWriting(indexDir, "ranking-" + embedder.dimension());
    try {
      if (index.passageCount() != dataset.corpus().size()) {
        throw new IllegalArgumentException(
            "index at "
                + indexDir
                + " holds "
                + index.passageCount()
                + " passages, the dataset "
                + dataset.corpus().size()
                + "; delete it to rebuild");
      }
      return new PreparedDataset(dataset, index, embedder, settings);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
  }

  public BeirDataset dataset() {
    return dataset;
  }

  public PassageIndex index() {
    return index;
  }

  public HybridRetriever retriever() {
    return retriever;
  }

  /** Where {@link #retriever()} leaves its lists for a fusion ranker over this index. */
  public RecentSignals recentSignals() {
    return recent;
  }

  /** How deep each retrieval list is read (the retriever's {@code candidates}). */
  public int depth() {
    return depth;
  }

  public float[] vector(BeirDataset.Query q) {
    return vectors.get(q.id());
  }

  /**
   * What the fusion features look up in this index: idf, stored passage and sentence vectors, and
   * the question's vector (embedded once for all questions here).
   */
  public FusionFeatures.Lookups lookups(BeirDataset.Query q) {
    return new FusionFeatures.Lookups(index::idf, index::vectors, sentences::find, vector(q));
  }

  /** Hybrid retrieval's candidates for {@code q}, {@link #depth()} of them. */
  public List<Hit> candidates(BeirDataset.Query q) {
    return retriever.search(q.text(), vector(q), SearchMode.HYBRID, depth);
  }

  /**
   * The BM25 and dense lists behind {@code candidates}, the result of {@link #candidates(
   * BeirDataset.Query)} just before: those the retriever left, else searched again.
   */
  public CandidateSignals signals(BeirDataset.Query q, List<Hit> candidates) {
    return recent
        .take(q.text(), candidates)
        .orElseGet(
            () ->
                new CandidateSignals(
                    index.bm25(q.text(), depth), index.knn(vector(q), depth), vector(q)));
  }

  @Override
  public void close() {
    index.close();
  }
}
