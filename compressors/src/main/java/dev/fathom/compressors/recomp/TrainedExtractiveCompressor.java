package dev.fathom.compressors.recomp;

import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.compressors.ModelDirectedText;
import dev.fathom.compressors.SentenceEmbeddings;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * RECOMP's extractive compressor with a trained scorer (Xu, Shi and Choi, ICLR 2024, §3.1): the
 * sentences of the top passages are embedded with the frozen all-MiniLM-L6-v2, described by {@link
 * SentenceFeatures}, and scored by a {@link CompressorModel} trained on which sentences of
 * squad-dev's retrieved passages hold the gold answer. The {@link SelectionPolicy} that came with
 * the model decides how many to keep and when to keep none (selective augmentation, §3.3).
 *
 * <p>The kept sentences go back into reading order (source, then offset), as in {@link
 * dev.fathom.compressors.ExtractiveCompressor}; their score is the model's probability.
 */
public final class TrainedExtractiveCompressor implements ContextCompressor {

  private final Embedder embedder;
  private final SentenceEmbeddings sentenceVectors;
  private final CompressorModel model;
  private final SelectionPolicy policy;
  private final int topPassages;
  private final int minSentenceChars;
  private final TokenCounts tokenCounts;

  /** Texts whose token counts are remembered: the sentences and passages of some 2,000 passages. */
  static final int TOKEN_COUNT_CACHE = 50_000;

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
    Scored s = score(sentenceVectors, tokenCounts::of, model, question, candidates);
    List<Integer> kept = policy.choose(s.probability(), s.tokens(), s.demoted());
    if (kept.isEmpty()) return Evidence.none(question, inputTokens);
    List<Integer> reading = new ArrayList<>(kept);
    reading.sort(
        Comparator.comparingInt((Integer i) -> candidates.get(i).sourceOrder())
            .thenComparingInt(i -> candidates.get(i).offset()));
    List<EvidenceSentence> sentences = new ArrayList<>(reading.size());
    int tokens = 0;
    for (int i : reading) {
      CandidateSentence c = candidates.get(i);
      sentences.add(
          new EvidenceSentence(
              c.text(), c.passage(), c.span().start(), c.span().end(), (float) s.probability()[i]));
      tokens += s.tokens()[i];
    }
    return new Evidence(question, sentences, tokens, inputTokens);
  }

  /** What the model says of each candidate, with what the selection needs besides. */
  record Scored(double[] probability, int[] tokens, boolean[] demoted, float[] features) {}

  /** Embeds, describes and scores {@code candidates} (shared with training, so both agree). */
  static Scored score(
      Embedder embedder,
      ToIntFunction<String> countTokens,
      CompressorModel model,
      String question,
      List<CandidateSentence> cands) {
    return score(
        new SentenceEmbeddings(embedder, SentenceVectorSource.NONE),
        countTokens,
        model,
        question,
        cands);
  }

  /** Like {@link #score(Embedder, ToIntFunction, CompressorModel, String, List)}. */
  static Scored score(
      SentenceEmbeddings sentenceVectors,
      ToIntFunction<String> countTokens,
      CompressorModel model,
      String question,
      List<CandidateSentence> cands) {
    float[] features = features(sentenceVectors, question, cands);
    double[] p = model == null ? new double[cands.size()] : model.predict(features, cands.size());
    int[] tokens = new int[cands.size()];
    boolean[] demoted = new boolean[cands.size()];
    for (int i = 0; i < cands.size(); i++) {
      tokens[i] = countTokens.applyAsInt(cands.get(i).text());
      demoted[i] = ModelDirectedText.addressesTheModel(cands.get(i).text());
    }
    return new Scored(p, tokens, demoted, features);
  }

  static float[] features(
      SentenceEmbeddings sentenceVectors, String question, List<CandidateSentence> cands) {
    float[] q = sentenceVectors.embedder().embed(question);
    List<float[]> vectors =
        sentenceVectors.of(
            cands, CandidateSentence::passage, CandidateSentence::span, CandidateSentence::text);
    float[] similarity = new float[cands.size()];
    for (int i = 0; i < similarity.length; i++) similarity[i] = dot(q, vectors.get(i));
    return SentenceFeatures.extract(question, cands, similarity);
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
