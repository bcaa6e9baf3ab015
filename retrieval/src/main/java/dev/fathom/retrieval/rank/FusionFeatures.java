package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.SentenceVectors;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The per-candidate features of the fusion ranker, all cheap (no model call): what BM25 and the
 * dense index said, where hybrid fusion put it, and lexical matches of the question's analysed
 * terms (English stemming and stop words, as the BM25 field) against the title, the text and its
 * best sentence. Score features also come normalised by the question's best score, since raw BM25
 * and cosine scales differ from question to question and a tree model splits on absolute values.
 *
 * <p>The {@code idf_} variants weight each question term by its inverse document frequency in the
 * index (BM25's idf, {@link dev.fathom.retrieval.index.PassageIndex#idf}): a match on a rare term
 * says more than one on a common term — the BM25 idea, applied to the title and the best sentence
 * separately, which the one BM25 field over title and text cannot. Index-wide, not over the
 * candidates, so the value does not depend on how many candidates a caller ranks. {@code
 * bigram_coverage} is the share of the question's adjacent analysed term pairs that occur adjacent
 * in the passage: a cheap proximity signal (Metzler and Croft, "A Markov Random Field Model for
 * Term Dependencies", SIGIR 2005, use ordered pairs the same way).
 *
 * <p>The first 19 are {@link RetrievalFeatures}; pseudo-relevance feedback ({@link
 * FeedbackFeatures}), the question's vector against the stored sentence vectors, z-scores within
 * the list, title votes and the answer type ({@link ListFeatures}) follow.
 *
 * <p>The feature list is stored with the trained model; a model trained on another list is refused
 * at load time. The columns are {@link FeatureColumns}; the analysed terms, cached per passage,
 * come from {@link TermAnalysis}.
 */
public final class FusionFeatures {

  /**
   * Every feature this class computes, in column order of {@link #extractAll}: the shipped ones and
   * those measured but not shipped (proximity and neighbour agreement; docs/ranking.md has the
   * cross-validation that decided).
   */
  public static final List<String> ALL = FeatureColumns.ALL;

  /**
   * The features the shipped model reads, in column order of {@link #extract}: the 19 lexical and
   * retrieval features, the four pseudo-relevance feedback features (RM3, dense Rocchio), the
   * sentence-level dense match, the z-scores within the list, the title votes and the answer type
   * ({@link ListFeatures}) — the additions that 5-fold cross-validation on the dev sets kept
   * (docs/ranking.md).
   */
  public static final List<String> NAMES = FeatureColumns.NAMES;

  private final TermAnalysis analysis = new TermAnalysis();

  /** Number of features per candidate. */
  public static int count() {
    return NAMES.size();
  }

  /**
   * Features of every candidate, row-major ({@code candidates.size() × count()}).
   *
   * @param candidates hybrid retrieval's hits (their score is the fused RRF score)
   */
  public float[] extract(String question, List<Hit> candidates, CandidateSignals signals) {
    return extract(question, candidates, signals, terms -> uniform(terms));
  }

  /**
   * As {@link #extract(String, List, CandidateSignals)}, with {@code idf} giving each analysed
   * question term its inverse document frequency (the index's {@code PassageIndex::idf}).
   */
  public float[] extract(
      String question,
      List<Hit> candidates,
      CandidateSignals signals,
      Function<Set<String>, Map<String, Double>> idf) {
    return extract(question, candidates, signals, new Lookups(idf, ids -> Map.of()));
  }

  /**
   * What the features read besides the candidates and the retrieval lists.
   *
   * @param idf each analysed term's inverse document frequency ({@code PassageIndex::idf})
   * @param vectors the stored vectors of passages by id ({@code PassageIndex::vectors}; those
   *     missing give 0 for the features that compare vectors)
   * @param sentences the stored sentence vectors of passages by id ({@code
   *     PassageIndex.sentenceVectors(…)::find}; a passage without them uses its passage vector)
   * @param query the question's unit vector, as retrieval embedded it (null: unknown)
   */
  public record Lookups(
      Function<Set<String>, Map<String, Double>> idf,
      Function<Collection<String>, Map<String, float[]>> vectors,
      Function<List<Passage>, Map<String, SentenceVectors>> sentences,
      float[] query) {
    public Lookups {
      Objects.requireNonNull(idf, "idf");
      Objects.requireNonNull(vectors, "vectors");
      Objects.requireNonNull(sentences, "sentences");
    }

    /** Without sentence vectors or the question's vector (sentence features fall back). */
    public Lookups(
        Function<Set<String>, Map<String, Double>> idf,
        Function<Collection<String>, Map<String, float[]>> vectors) {
      this(idf, vectors, passages -> Map.of(), null);
    }
  }

  /**
   * As {@link #extract(String, List, CandidateSignals, Function)} with every lookup: the shipped
   * features ({@link #NAMES}), row-major.
   */
  public float[] extract(
      String question, List<Hit> candidates, CandidateSignals signals, Lookups lookups) {
    float[] all = compute(question, candidates, signals, lookups, false);
    return FeatureColumns.shipped(all, candidates.size());
  }

  /** Every feature of {@link #ALL}, row-major: for cross-validating features not shipped. */
  public float[] extractAll(
      String question, List<Hit> candidates, CandidateSignals signals, Lookups lookups) {
    return compute(question, candidates, signals, lookups, true);
  }

  private float[] compute(
      String question,
      List<Hit> candidates,
      CandidateSignals signals,
      Lookups lookups,
      boolean everything) {
    Function<Set<String>, Map<String, Double>> idf = lookups.idf();
    int f = ALL.size();
    float[] x = new float[candidates.size() * f];
    Set<String> terms = analysis.terms(question);
    Map<String, Double> weights = idf.apply(terms);
    Set<String> questionBigrams = PassageTerms.bigrams(analysis.tokens(question));
    List<PassageTerms> pts =
        candidates.stream().map(h -> analysis.passageTerms(h.passage())).toList();
    RetrievalFeatures.fill(x, f, candidates, pts, signals, terms, weights, questionBigrams);
    if (everything || FeatureColumns.SHIPS_PROXIMITY) {
      ProximityFeatures.fill(x, f, ALL.indexOf("window_density"), pts, weights);
    }
    FeedbackFeatures.fill(
        x,
        f,
        ALL.indexOf("rm3"),
        everything || FeatureColumns.SHIPS_NEIGHBOURS ? ALL.indexOf("neighbour_cos") : -1,
        candidates,
        pts,
        signals,
        terms,
        weights,
        lookups,
        analysis::passageTerms);
    int sentenceAt = ALL.indexOf("sentence_cos");
    if (everything || FeatureColumns.SHIPS_SENTENCES) {
      ListFeatures.fillSentences(
          x,
          f,
          sentenceAt,
          ALL.indexOf("dense"),
          candidates,
          lookups.query(),
          lookups.query() == null
              ? Map.of()
              : lookups.sentences().apply(candidates.stream().map(Hit::passage).toList()));
    }
    ListFeatures.fillZScores(x, f, candidates.size(), FeatureColumns.Z_FROM, FeatureColumns.Z_TO);
    if (everything || NAMES.contains("title_votes")) {
      ListFeatures.fillTitleVotes(x, f, ALL.indexOf("title_votes"), candidates);
    }
    if (everything || NAMES.contains("answer_type")) {
      ListFeatures.fillAnswerType(
          x, f, ALL.indexOf("answer_type"), ListFeatures.asksForNumber(question), pts, weights);
    }
    return x;
  }

  /** Every term weighs 1 (the idf features then equal the plain ones). */
  static Map<String, Double> uniform(Set<String> terms) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String t : terms) out.put(t, 1.0);
    return out;
  }
}
