package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.SentenceVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

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
 * at load time.
 */
public final class FusionFeatures {

  /**
   * Every feature this class computes, in column order of {@link #extractAll}: the shipped ones and
   * those measured but not shipped (proximity and neighbour agreement; docs/ranking.md has the
   * cross-validation that decided).
   */
  public static final List<String> ALL =
      List.of(
          "bm25",
          "bm25_norm",
          "bm25_rr",
          "dense",
          "dense_gap",
          "dense_rr",
          "in_both",
          "hybrid_rr",
          "hybrid_norm",
          "title_match",
          "term_coverage",
          "sentence_max_coverage",
          "log_words",
          "log_position",
          "query_terms",
          "idf_coverage",
          "idf_title_match",
          "idf_sentence_max_coverage",
          "bigram_coverage",
          "rm3",
          "rm3_rr",
          "rocchio",
          "rocchio_gap",
          "window_density",
          "tf_coverage",
          "sentence_bm25",
          "neighbour_cos",
          "same_source",
          "sentence_cos",
          "sentence_cos_gap",
          "bm25_z",
          "dense_z",
          "rm3_z",
          "rocchio_z",
          "title_votes",
          "answer_type");

  /**
   * The features the shipped model reads, in column order of {@link #extract}: the 19 lexical and
   * retrieval features, the four pseudo-relevance feedback features (RM3, dense Rocchio), the
   * sentence-level dense match, the z-scores within the list, the title votes and the answer type
   * ({@link ListFeatures}) — the additions that 5-fold cross-validation on the dev sets kept
   * (docs/ranking.md).
   */
  public static final List<String> NAMES =
      java.util.stream.Stream.concat(
              ALL.subList(0, 23).stream(),
              java.util.stream.Stream.of(
                  "sentence_cos",
                  "sentence_cos_gap",
                  "bm25_z",
                  "dense_z",
                  "rm3_z",
                  "rocchio_z",
                  "title_votes",
                  "answer_type"))
          .toList();

  /** Where each of {@link #NAMES} stands in {@link #ALL}. */
  private static final int[] SHIPPED = NAMES.stream().mapToInt(ALL::indexOf).toArray();

  /** Whether the shipped model reads any proximity or neighbour feature (else they are skipped). */
  private static final boolean SHIPS_PROXIMITY = NAMES.contains("window_density");

  private static final boolean SHIPS_NEIGHBOURS = NAMES.contains("neighbour_cos");

  private static final boolean SHIPS_SENTENCES = NAMES.contains("sentence_cos");

  /** Columns whose z-scores within the list are features, and the columns they go to. */
  private static final int[] Z_FROM = columns("bm25", "dense", "rm3", "rocchio");

  private static final int[] Z_TO = columns("bm25_z", "dense_z", "rm3_z", "rocchio_z");

  private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+");
  private static final Pattern WORD = Pattern.compile("\\s+");

  /** Passages whose analysed terms are kept: re-analysing text is most of the features' cost. */
  private static final int CACHED_PASSAGES = 20_000;

  private final Analyzer analyzer = new EnglishAnalyzer();
  private final Map<String, PassageTerms> cache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PassageTerms> eldest) {
          return size() > CACHED_PASSAGES;
        }
      };

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
    int n = candidates.size();
    int f = count();
    int a = ALL.size();
    float[] x = new float[n * f];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < f; c++) x[r * f + c] = all[r * a + SHIPPED[c]];
    }
    return x;
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
    Set<String> terms = terms(question);
    Map<String, Double> weights = idf.apply(terms);
    Set<String> questionBigrams = PassageTerms.bigrams(tokens(question));
    List<PassageTerms> pts = candidates.stream().map(h -> passageTerms(h.passage())).toList();
    RetrievalFeatures.fill(x, f, candidates, pts, signals, terms, weights, questionBigrams);
    if (everything || SHIPS_PROXIMITY) {
      ProximityFeatures.fill(x, f, ALL.indexOf("window_density"), pts, weights);
    }
    FeedbackFeatures.fill(
        x,
        f,
        ALL.indexOf("rm3"),
        everything || SHIPS_NEIGHBOURS ? ALL.indexOf("neighbour_cos") : -1,
        candidates,
        pts,
        signals,
        terms,
        weights,
        lookups,
        this::passageTerms);
    int sentenceAt = ALL.indexOf("sentence_cos");
    if (everything || SHIPS_SENTENCES) {
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
    ListFeatures.fillZScores(x, f, candidates.size(), Z_FROM, Z_TO);
    if (everything || NAMES.contains("title_votes")) {
      ListFeatures.fillTitleVotes(x, f, ALL.indexOf("title_votes"), candidates);
    }
    if (everything || NAMES.contains("answer_type")) {
      ListFeatures.fillAnswerType(
          x, f, ALL.indexOf("answer_type"), ListFeatures.asksForNumber(question), pts, weights);
    }
    return x;
  }

  private static int[] columns(String... names) {
    int[] out = new int[names.length];
    for (int i = 0; i < names.length; i++) out[i] = ALL.indexOf(names[i]);
    return out;
  }

  /** Every term weighs 1 (the idf features then equal the plain ones). */
  static Map<String, Double> uniform(Set<String> terms) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String t : terms) out.put(t, 1.0);
    return out;
  }

  PassageTerms passageTerms(Passage p) {
    String key = p.id() + '\u0000' + p.text().hashCode() + '\u0000' + p.title().hashCode();
    synchronized (cache) {
      PassageTerms cached = cache.get(key);
      if (cached != null) return cached;
    }
    List<List<String>> sentences = new ArrayList<>();
    for (String s : SENTENCE.split(p.text())) sentences.add(tokens(s));
    String stripped = p.text().strip();
    int words = stripped.isEmpty() ? 0 : WORD.split(stripped).length;
    PassageTerms pt = PassageTerms.of(tokens(p.title()), sentences, tokens(p.text()), words);
    synchronized (cache) {
      cache.put(key, pt);
    }
    return pt;
  }

  /** The distinct analysed terms of {@code text}, as the BM25 field sees them. */
  Set<String> terms(String text) {
    return new HashSet<>(tokens(text));
  }

  /** The analysed terms of {@code text} in order (stop words removed, so pairs span them). */
  List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("f", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(term.toString());
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
