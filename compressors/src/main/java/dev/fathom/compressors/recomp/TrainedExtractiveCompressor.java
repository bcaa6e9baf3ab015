package dev.fathom.compressors.recomp;

import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.ModelDirectedText;
import dev.fathom.compressors.SentenceEmbeddings;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * RECOMP's extractive compressor with a trained scorer (Xu, Shi and Choi, ICLR 2024, §3.1): the
 * sentences of the top passages are embedded with the frozen all-MiniLM-L6-v2 and cut into clause
 * spans ({@link ClauseCutter}, the cutter the model was trained with); each span is described by
 * {@link SpanFeatures} and scored by a {@link CompressorModel} trained on which spans of
 * squad-dev's retrieved passages hold the gold answer. The {@link SelectionPolicy} that came with
 * the model decides how many to keep and when to keep none (selective augmentation, §3.3).
 *
 * <p>The kept spans go back into reading order (source, then offset), as in {@link
 * dev.fathom.compressors.ExtractiveCompressor}, one evidence entry per sentence with an ellipsis
 * where it was cut ({@link SpanEvidence}); an entry's score is its best span's score (its
 * probability after the model's {@link QuestionNormalisation}).
 */
public final class TrainedExtractiveCompressor implements ContextCompressor {

  private final Embedder embedder;
  private final SentenceEmbeddings sentenceVectors;
  private final CompressorModel model;
  private final SelectionPolicy policy;
  private final int topPassages;
  private final int minSentenceChars;
  private final TokenCounts tokenCounts;
  private final TextFacts.Cache textFacts = new TextFacts.Cache(TOKEN_COUNT_CACHE);

  /** Texts whose token counts are remembered: the spans and passages of some 2,000 passages. */
  static final int TOKEN_COUNT_CACHE = 150_000;

  /**
   * @param policy usually {@code model.policy()}; another one only to measure alternatives
   * @param topPassages how many of the retrieved passages are read (RECOMP reads the top 5)
   * @param minSentenceChars shorter fragments are not candidates
   */
  public TrainedExtractiveCompressor(
      Embedder embedder,
      CompressorModel model,
      SelectionPolicy policy,
      int topPassages,
      int minSentenceChars) {
    this(embedder, model, policy, topPassages, minSentenceChars, SentenceVectorSource.NONE);
  }

  /**
   * @param stored sentence vectors stored with the passages at ingest, used instead of embedding
   *     those sentences per question ({@link SentenceEmbeddings})
   */
  public TrainedExtractiveCompressor(
      Embedder embedder,
      CompressorModel model,
      SelectionPolicy policy,
      int topPassages,
      int minSentenceChars,
      SentenceVectorSource stored) {
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.sentenceVectors = new SentenceEmbeddings(embedder, stored);
    this.model = Objects.requireNonNull(model, "model");
    this.policy = Objects.requireNonNull(policy, "policy");
    if (topPassages < 1 || topPassages > 100) {
      throw new IllegalArgumentException("topPassages must be in [1, 100], got " + topPassages);
    }
    if (minSentenceChars < 0 || minSentenceChars > 10_000) {
      throw new IllegalArgumentException(
          "minSentenceChars must be in [0, 10000], got " + minSentenceChars);
    }
    this.topPassages = topPassages;
    this.minSentenceChars = minSentenceChars;
    this.tokenCounts = new TokenCounts(embedder, TOKEN_COUNT_CACHE);
  }

  public SelectionPolicy policy() {
    return policy;
  }

  @Override
  public Evidence compress(String question, List<Hit> hits) {
    Map<String, Passage> retrieved = new LinkedHashMap<>();
    for (Hit h : hits) retrieved.putIfAbsent(h.passage().id(), h.passage());
    return select(question, hits).withPassages(List.copyOf(retrieved.values()));
  }

  private Evidence select(String question, List<Hit> hits) {
    int inputTokens = 0;
    for (Hit h : hits.subList(0, Math.min(topPassages, hits.size()))) {
      inputTokens += tokenCounts.of(h.passage().text());
    }
    List<CandidateSentence> candidates = CandidateSentence.of(hits, topPassages, minSentenceChars);
    if (candidates.isEmpty()) return Evidence.none(question, inputTokens);
    List<CandidateSpan> spans = CandidateSpan.of(candidates, model.cutter());
    Scored s =
        score(sentenceVectors, tokenCounts::of, textFacts, model, question, candidates, spans);
    int[] sentence = new int[spans.size()], pieces = new int[spans.size()];
    for (int i = 0; i < sentence.length; i++) {
      sentence[i] = spans.get(i).sentenceIndex();
      pieces[i] = spans.get(i).pieces();
    }
    List<Integer> kept = policy.choose(s.probability(), s.tokens(), s.demoted(), sentence, pieces);
    if (kept.isEmpty()) return Evidence.none(question, inputTokens);
    int tokens = SpanEvidence.markers(spans, kept);
    for (int i : kept) tokens += s.tokens()[i];
    return new Evidence(
        question, SpanEvidence.assemble(spans, kept, s.probability()), tokens, inputTokens);
  }

  /** What the model says of each span, with what the selection needs besides. */
  record Scored(double[] probability, int[] tokens, boolean[] demoted, float[] features) {}

  /**
   * Embeds the sentences, describes their spans and scores them (shared with training, so both
   * agree); {@code model} null gives features without probabilities.
   */
  static Scored score(
      Embedder embedder,
      ToIntFunction<String> countTokens,
      TextFacts.Cache textFacts,
      CompressorModel model,
      String question,
      List<CandidateSentence> cands,
      List<CandidateSpan> spans) {
    return score(
        new SentenceEmbeddings(embedder, SentenceVectorSource.NONE),
        countTokens,
        textFacts,
        model,
        question,
        cands,
        spans);
  }

  /** As above, with sentence vectors stored at ingest used where the passages carry them. */
  static Scored score(
      SentenceEmbeddings sentenceVectors,
      ToIntFunction<String> countTokens,
      TextFacts.Cache textFacts,
      CompressorModel model,
      String question,
      List<CandidateSentence> cands,
      List<CandidateSpan> spans) {
    float[] features = features(sentenceVectors, question, cands, spans, textFacts);
    double[] p = model == null ? new double[spans.size()] : model.scores(features, spans.size());
    int[] tokens = new int[spans.size()];
    boolean[] demoted = new boolean[spans.size()];
    boolean[] sentenceDemoted = new boolean[cands.size()];
    for (int i = 0; i < cands.size(); i++) {
      sentenceDemoted[i] = ModelDirectedText.addressesTheModel(cands.get(i).text());
    }
    for (int i = 0; i < spans.size(); i++) {
      tokens[i] = countTokens.applyAsInt(spans.get(i).text());
      demoted[i] = sentenceDemoted[spans.get(i).sentenceIndex()];
    }
    return new Scored(p, tokens, demoted, features);
  }

  static float[] features(
      SentenceEmbeddings sentenceVectors,
      String question,
      List<CandidateSentence> cands,
      List<CandidateSpan> spans,
      TextFacts.Cache textFacts) {
    float[] q = sentenceVectors.embedder().embed(question);
    List<float[]> vectors =
        sentenceVectors.of(
            cands, CandidateSentence::passage, CandidateSentence::span, CandidateSentence::text);
    float[] similarity = new float[cands.size()];
    for (int i = 0; i < similarity.length; i++) similarity[i] = dot(q, vectors.get(i));
    return SpanFeatures.extract(question, cands, similarity, spans, textFacts);
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
