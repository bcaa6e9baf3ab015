package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.index.PassageIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Learned fusion: LambdaMART trees (Burges, "From RankNet to LambdaRank to LambdaMART", MSR-TR
 * 2010; XGBoost's {@code rank:ndcg}) over {@link FusionFeatures} replace reciprocal rank fusion's
 * fixed formula with one learned from judged questions ({@link RankerTraining}).
 *
 * <p>Cost per question: lexical features, one read of the candidates' stored passage and sentence
 * vectors and one batched tree prediction, when the retriever's own BM25 and dense lists (and the
 * question's vector) reach the ranker ({@link RecentSignals}); otherwise two more index lookups of
 * {@code depth} first (the query vector comes from the caching embedder the retriever already
 * filled). The model reranks the top {@link FusionModel#candidates()} it was trained at; the rest
 * keep their retrieval order below.
 */
public final class FusionRanker implements Ranker {

  private final PassageIndex index;
  private final Embedder embedder;
  private final FusionModel model;
  private final int depth;
  private final RecentSignals recent;
  private final FusionFeatures features = new FusionFeatures();
  private final SentenceVectorSource sentences;

  /**
   * @param depth how deep the BM25 and dense lists are read for features; use the retriever's
   *     {@code candidates} setting (100 by default) so the features match the ones trained on
   */
  public FusionRanker(PassageIndex index, Embedder embedder, FusionModel model, int depth) {
    this(index, embedder, model, depth, null);
  }

  /**
   * Like {@link #FusionRanker(PassageIndex, Embedder, FusionModel, int)}, taking the lists of the
   * retriever that reports to {@code recent} instead of searching again (null: always search).
   */
  public FusionRanker(
      PassageIndex index, Embedder embedder, FusionModel model, int depth, RecentSignals recent) {
    this.recent = recent;
    this.index = Objects.requireNonNull(index, "index");
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.model = Objects.requireNonNull(model, "model");
    if (depth < 1 || depth > 10_000) {
      throw new IllegalArgumentException("depth must be in [1, 10000], got " + depth);
    }
    this.depth = depth;
    this.sentences = index.sentenceVectors(index.embeddingId(), embedder.dimension());
  }

  @Override
  public RankerKind kind() {
    return RankerKind.FUSION;
  }

  @Override
  public Ranking rank(String question, List<Hit> candidates) {
    if (recent != null && !candidates.isEmpty()) {
      var signals = recent.take(question, candidates);
      if (signals.isPresent())
        return rank(question, candidates, signals.get(), "retrieval's lists");
    }
    return rank(question, embedder.embed(question), candidates);
  }

  /** As {@link #rank(String, List)} with the question's vector already computed. */
  public Ranking rank(String question, float[] vector, List<Hit> candidates) {
    Ranking.requireQuestion(question);
    if (candidates.isEmpty()) return Ranking.retrievalOrder(candidates, "fusion: no candidates");
    return rank(
        question,
        candidates,
        new CandidateSignals(index.bm25(question, depth), index.knn(vector, depth), vector),
        "lists searched again");
  }

  /**
   * As {@link #rank(String, List)} with the BM25 and dense lists hybrid retrieval already fetched
   * (of this ranker's depth): saves the two index lookups, most of the ranker's cost.
   */
  public Ranking rank(String question, List<Hit> candidates, CandidateSignals signals) {
    return rank(question, candidates, signals, "lists given");
  }

  private Ranking rank(
      String question, List<Hit> candidates, CandidateSignals signals, String source) {
    Ranking.requireQuestion(question);
    if (candidates.isEmpty()) return Ranking.retrievalOrder(candidates, "fusion: no candidates");
    // The model reranks the top of the list it was trained on; the rest keep their order below.
    int n = Math.min(candidates.size(), model.candidates());
    List<Hit> top = candidates.subList(0, n);
    float[] x =
        features.extract(
            question,
            top,
            signals.truncate(depth),
            new FusionFeatures.Lookups(
                index::idf, index::vectors, sentences::find, signals.query()));
    double[] predicted = model.predict(x, n);
    double lowest = Double.POSITIVE_INFINITY;
    for (double v : predicted) {
      if (!Double.isFinite(v)) {
        return Ranking.retrievalOrder(
            candidates, "fusion: the model predicted " + v + "; retrieval order kept");
      }
      lowest = Math.min(lowest, v);
    }
    double[] scores = java.util.Arrays.copyOf(predicted, candidates.size());
    List<String> notes = new ArrayList<>(notes(x, n));
    for (int i = n; i < candidates.size(); i++) {
      scores[i] = lowest - 1 - (i - n) * 1e-3;
      notes.add("below the reranked top " + n + ": retrieval rank " + candidates.get(i).rank());
    }
    return Ranking.byScore(
        candidates, scores, notes, "fusion: LambdaMART over retrieval signals (" + source + ")");
  }

  /** The features a reader can check by eye, per candidate (those the shipped model reads). */
  private static final List<String> SHOWN =
      List.of("bm25_rr", "dense", "title_match", "term_coverage", "sentence_max_coverage");

  private static final List<String> SHOWN_AS =
      List.of("bm25_rr", "dense", "title", "coverage", "best_sentence");

  private static List<String> notes(float[] x, int rows) {
    int f = FusionFeatures.count();
    List<String> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < SHOWN.size(); j++) {
        if (j > 0) sb.append(' ');
        sb.append(SHOWN_AS.get(j))
            .append('=')
            .append(x[i * f + FusionFeatures.NAMES.indexOf(SHOWN.get(j))]);
      }
      if (FusionFeatures.NAMES.contains("sentence_cos")) {
        sb.append(" sentence_cos=").append(x[i * f + FusionFeatures.NAMES.indexOf("sentence_cos")]);
      }
      out.add(sb.toString());
    }
    return out;
  }
}
