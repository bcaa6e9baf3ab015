package dev.fathom.compressors.recomp;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.eval.AnswerMatch;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.search.Retriever;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the extractive compressor ({@code fathom train compressor}). For each dev question with
 * gold answers, its top passages are retrieved as at question time and cut into candidate sentences
 * and their clause spans ({@link ClauseCutter}); a span that contains a gold answer is a positive,
 * the others negatives (RECOMP §3.1 labels by a reader's gain, which needs a strong model; the
 * answer string is the signal SQuAD has). XGBoost fits a logistic model over {@link SpanFeatures}
 * (Chen and Guestrin, KDD 2016).
 *
 * <p><b>Honest numbers.</b> Questions are split into two halves by article (the gold paragraph's
 * title), so no half sees another's paragraphs. A model trained on each half scores the other: the
 * out-of-fold probabilities. The {@link QuestionNormalisation} and the {@link SelectionPolicy}
 * (budget, thresholds) are chosen on half 0's out-of-fold probabilities only and reported on half
 * 1's, which neither the trees nor the policy saw. The shipped model is then fitted on every
 * question, with that normalisation and policy.
 */
public final class CompressorTraining {

  /**
   * @param rounds boosting rounds (trees)
   * @param eta learning rate
   * @param maxDepth depth of each tree
   * @param seed XGBoost's seed (row and column subsampling)
   * @param cutter how candidate sentences are cut into the spans the model scores
   */
  public record Settings(int rounds, double eta, int maxDepth, long seed, ClauseCutter cutter) {
    public Settings {
      java.util.Objects.requireNonNull(cutter, "cutter");
      if (rounds < 1 || rounds > 10_000) {
        throw new IllegalArgumentException("rounds must be in [1, 10000], got " + rounds);
      }
      if (!(eta > 0 && eta <= 1)) {
        throw new IllegalArgumentException("eta must be in (0, 1], got " + eta);
      }
      if (maxDepth < 1 || maxDepth > 16) {
        throw new IllegalArgumentException("maxDepth must be in [1, 16], got " + maxDepth);
      }
    }

    public static Settings defaults() {
      return new Settings(500, 0.05, 6, 42, ClauseCutter.defaults());
    }
  }

  /**
   * What was trained.
   *
   * @param model the file written
   * @param policy the selection policy chosen on half 0
   * @param choiceHalf half 0's out-of-fold metrics under that policy (where it was chosen)
   * @param reportHalf half 1's out-of-fold metrics under that policy (unseen by trees and policy)
   * @param seconds wall time of the whole training, retrieval and embedding included
   */
  public record Report(
      Path model,
      SelectionPolicy policy,
      int questions,
      int rows,
      Map<String, Double> choiceHalf,
      Map<String, Double> reportHalf,
      double seconds) {}

  private CompressorTraining() {}

  /**
   * Trains on {@code dataset}'s questions with answers and writes the model to {@code file}.
   *
   * @param retriever searches the dataset's corpus, indexed with passage sources = corpus ids
   * @param progress told one line per stage
   */
  public static Report train(
      BeirDataset dataset,
      Retriever retriever,
      SearchMode mode,
      Embedder embedder,
      int topPassages,
      int minSentenceChars,
      Path file,
      Settings settings,
      Consumer<String> progress) {
    long start = System.nanoTime();
    List<TrainingExample> examples =
        examples(
            dataset,
            retriever,
            mode,
            embedder,
            topPassages,
            minSentenceChars,
            settings.cutter(),
            progress);
    if (examples.isEmpty()) {
      throw new IllegalArgumentException(
          "no query of the dataset carries \"answers\": compressor training needs them");
    }
    List<double[]> oof = outOfFold(examples, settings, progress);
    List<TrainingExample> half0 = PolicyChoice.fold(examples, 0);
    List<TrainingExample> half1 = PolicyChoice.fold(examples, 1);
    List<double[]> oof0 = new ArrayList<>(), oof1 = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      (examples.get(i).fold() == 0 ? oof0 : oof1).add(oof.get(i));
    }
    PolicyChoice.Choice chosen = PolicyChoice.chooseNormalised(half0, oof0, progress);
    QuestionNormalisation normalisation = chosen.normalisation();
    SelectionPolicy policy = chosen.policy();
    progress.accept("chose " + normalisation.id() + " and " + policy + " on half 0");
    oof0 = PolicyChoice.normalise(oof0, normalisation);
    oof1 = PolicyChoice.normalise(oof1, normalisation);
    Map<String, Double> choice = PolicyChoice.measure(half0, oof0, policy);
    Map<String, Double> report = PolicyChoice.measure(half1, oof1, policy);
    // The untrained ranking under the same budget and cap (no thresholds: its scores are no
    // probabilities), the baseline the trained scorer has to beat.
    SelectionPolicy budgetOnly =
        new SelectionPolicy(0, 0, policy.budgetTokens(), policy.maxSentences());
    Map<String, Double> untrained =
        PolicyChoice.measure(half1, PolicyChoice.untrainedScores(half1), budgetOnly);
    Map<String, Double> trainedNoThreshold = PolicyChoice.measure(half1, oof1, budgetOnly);
    progress.accept(
        String.format(
            java.util.Locale.ROOT,
            "half 1 at budget %d, cap %d, no thresholds: untrained recall %.4f at rate %.4f,"
                + " trained %.4f at %.4f",
            policy.budgetTokens(),
            policy.maxSentences(),
            untrained.get("answer_recall_compressed"),
            untrained.get("compression_rate"),
            trainedNoThreshold.get("answer_recall_compressed"),
            trainedNoThreshold.get("compression_rate")));
    try (CompressorModel model =
        new CompressorModel(
            fit(examples, settings), policy, settings.cutter(), normalisation, "trained")) {
      model.save(file);
    }
    progress.accept("saved " + file);
    return new Report(
        file,
        policy,
        examples.size(),
        TrainingExample.rows(examples),
        choice,
        report,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Each question's probabilities from the model fitted on the other half (article-level), so that
   * no question is scored by trees that saw its paragraphs.
   */
  static List<double[]> outOfFold(
      List<TrainingExample> examples, Settings s, Consumer<String> progress) {
    List<double[]> oof = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) oof.add(null);
    for (int fold = 0; fold < 2; fold++) {
      int f = fold;
      Booster b = fit(examples.stream().filter(e -> e.fold() != f).toList(), s);
      try (CompressorModel m =
          new CompressorModel(
              b, new SelectionPolicy(0, 1, 1, 1), s.cutter(), QuestionNormalisation.NONE, "fold")) {
        for (int i = 0; i < examples.size(); i++) {
          TrainingExample e = examples.get(i);
          if (e.fold() == fold) oof.set(i, m.predict(e.features(), e.rows()));
        }
      }
      progress.accept("fitted the model of half " + (1 - fold) + ", scored half " + fold);
    }
    return oof;
  }

  static List<TrainingExample> examples(
      BeirDataset dataset,
      Retriever retriever,
      SearchMode mode,
      Embedder embedder,
      int topPassages,
      int minSentenceChars,
      ClauseCutter cutter,
      Consumer<String> progress) {
    List<TrainingExample> out = new ArrayList<>();
    TextFacts.Cache textFacts = new TextFacts.Cache(TrainedExtractiveCompressor.TOKEN_COUNT_CACHE);
    List<BeirDataset.Query> queries =
        dataset.queries().stream().filter(q -> !q.answers().isEmpty()).toList();
    for (BeirDataset.Query q : queries) {
      List<Hit> hits = retriever.search(q.text(), mode, topPassages);
      List<CandidateSentence> cands = CandidateSentence.of(hits, topPassages, minSentenceChars);
      int inputTokens = 0;
      for (Hit h : hits) inputTokens += embedder.countTokens(h.passage().text());
      String top = hits.stream().map(h -> h.passage().text()).collect(Collectors.joining("\n"));
      Map<String, Integer> qrels = dataset.qrels(q.id());
      boolean goldRetrieved =
          hits.stream().anyMatch(h -> qrels.getOrDefault(h.passage().source(), 0) > 0);
      boolean inTop = AnswerMatch.containsAny(top, q.answers());
      if (cands.isEmpty()) {
        out.add(
            TrainingExample.withoutCandidates(
                inputTokens, inTop, goldRetrieved, fold(dataset, q, qrels)));
        continue;
      }
      List<CandidateSpan> spans = CandidateSpan.of(cands, cutter);
      TrainedExtractiveCompressor.Scored s =
          TrainedExtractiveCompressor.score(
              embedder, embedder::countTokens, textFacts, null, q.text(), cands, spans);
      int n = spans.size();
      boolean[] positive = new boolean[n];
      int[] sentence = new int[n], piece = new int[n], pieces = new int[n];
      for (int i = 0; i < n; i++) {
        CandidateSpan span = spans.get(i);
        positive[i] = AnswerMatch.containsAny(span.text(), q.answers());
        sentence[i] = span.sentenceIndex();
        piece[i] = span.piece();
        pieces[i] = span.pieces();
      }
      out.add(
          new TrainingExample(
              s.features(),
              positive,
              s.tokens(),
              s.demoted(),
              sentence,
              piece,
              pieces,
              inputTokens,
              inTop,
              goldRetrieved,
              fold(dataset, q, qrels)));
      if (out.size() % 500 == 0) {
        progress.accept("features of " + out.size() + " of " + queries.size() + " questions");
      }
    }
    return out;
  }

  /** The half of a question: by its gold paragraph's article, so halves share no paragraph. */
  static int fold(BeirDataset dataset, BeirDataset.Query q, Map<String, Integer> qrels) {
    String key =
        qrels.keySet().stream()
            .sorted()
            .findFirst()
            .map(id -> dataset.doc(id) == null ? id : dataset.doc(id).title())
            .orElse(q.id());
    int h = key.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h & 1;
  }

  static Booster fit(List<TrainingExample> examples, Settings s) {
    int f = SpanFeatures.count();
    int rows = TrainingExample.rows(examples);
    float[] x = new float[rows * f];
    float[] y = new float[rows];
    int at = 0;
    for (TrainingExample e : examples) {
      System.arraycopy(e.features(), 0, x, at * f, e.features().length);
      for (int i = 0; i < e.rows(); i++) y[at + i] = e.positive()[i] ? 1 : 0;
      at += e.rows();
    }
    DMatrix train = null;
    try {
      train = new DMatrix(x, rows, f, Float.NaN);
      train.setLabel(y);
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("eval_metric", "logloss");
      params.put("eta", s.eta());
      params.put("max_depth", s.maxDepth());
      params.put("min_child_weight", 5);
      params.put("subsample", 0.8);
      params.put("colsample_bytree", 0.8);
      params.put("seed", s.seed());
      // Two threads: the machines this runs on are small and shared.
      params.put("nthread", 2);
      params.put("verbosity", 0);
      return XGBoost.train(train, params, s.rounds(), Map.of(), null, null);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost training failed: " + e, e);
    } finally {
      if (train != null) train.dispose();
    }
  }
}
