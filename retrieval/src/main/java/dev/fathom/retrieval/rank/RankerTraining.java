package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.eval.BeirDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the fusion ranker ({@code fathom train ranker}): for each judged question of each dataset,
 * hybrid retrieval's top {@code depth} candidates become one query group with {@link
 * FusionFeatures} and the qrels grade as label (0 when unjudged); XGBoost fits LambdaMART trees
 * with the {@code rank:ndcg} objective (Burges 2010; Chen and Guestrin, KDD 2016).
 *
 * <p>Trained on the dev sets only. With {@link Settings#holdOut()} only the {@link DevSplit}
 * training half of each dataset's questions is used, so {@link RerankEvaluation} on the other half
 * is an honest estimate.
 */
public final class RankerTraining {

  /**
   * @param rounds boosting rounds (trees)
   * @param eta learning rate
   * @param maxDepth depth of each tree
   * @param holdOut train on the {@link DevSplit} training half only
   * @param seed XGBoost's seed (row and column subsampling)
   * @param linear fit a linear model ({@code gblinear}) instead of trees; {@code maxDepth} unused
   * @param objective XGBoost's ranking objective: {@code rank:ndcg} (LambdaMART) or {@code
   *     rank:pairwise} (RankNet's pairwise loss)
   * @param minChildWeight the least hessian mass a leaf may hold (XGBoost's {@code
   *     min_child_weight}), in [0, 1000]
   * @param candidates how many of hybrid's candidates are reranked (the rest keep their order below
   *     them), in [10, 1000]; stored with the model, which ranks the same number
   */
  public record Settings(
      int rounds,
      double eta,
      int maxDepth,
      boolean holdOut,
      long seed,
      boolean linear,
      String objective,
      double minChildWeight,
      int candidates) {
    public Settings {
      if (rounds < 1 || rounds > 10_000) {
        throw new IllegalArgumentException("rounds must be in [1, 10000], got " + rounds);
      }
      if (!(eta > 0 && eta <= 1)) {
        throw new IllegalArgumentException("eta must be in (0, 1], got " + eta);
      }
      if (maxDepth < 1 || maxDepth > 16) {
        throw new IllegalArgumentException("maxDepth must be in [1, 16], got " + maxDepth);
      }
      if (!"rank:ndcg".equals(objective) && !"rank:pairwise".equals(objective)) {
        throw new IllegalArgumentException(
            "objective must be rank:ndcg or rank:pairwise, got " + objective);
      }
      if (!(minChildWeight >= 0 && minChildWeight <= 1000)) {
        throw new IllegalArgumentException(
            "minChildWeight must be in [0, 1000], got " + minChildWeight);
      }
      if (candidates < 10 || candidates > 1000) {
        throw new IllegalArgumentException("candidates must be in [10, 1000], got " + candidates);
      }
    }

    /** The first six settings, the rest as {@link #defaults()} has them. */
    public Settings(
        int rounds, double eta, int maxDepth, boolean holdOut, long seed, boolean linear) {
      this(
          rounds,
          eta,
          maxDepth,
          holdOut,
          seed,
          linear,
          DEFAULT_OBJECTIVE,
          DEFAULT_MIN_CHILD_WEIGHT,
          DEFAULT_CANDIDATES);
    }

    /**
     * The defaults, chosen by 5-fold cross-validation over the dev sets only (docs/ranking.md,
     * {@code FusionTuningIT}).
     */
    public static Settings defaults() {
      return new Settings(200, 0.05, 4, true, 42, false);
    }
  }

  private static final String DEFAULT_OBJECTIVE = "rank:ndcg";
  private static final double DEFAULT_MIN_CHILD_WEIGHT = 1;
  private static final int DEFAULT_CANDIDATES = 100;

  /** What was trained: the model file, and how much data it saw. */
  public record Report(Path model, int questions, int rows) {}

  private RankerTraining() {}

  /**
   * Trains on {@code datasets} and saves {@link FusionModel#FILE} into {@code dataDir}.
   *
   * @param progress told one line per stage
   */
  public static Report train(
      List<PreparedDataset> datasets, Path dataDir, Settings settings, Consumer<String> progress) {
    return train(datasets, dataDir, settings, q -> true, progress);
  }

  /**
   * As {@link #train(List, Path, Settings, Consumer)} on the questions that pass {@code which} (and
   * the {@link DevSplit} training half when {@link Settings#holdOut()}); for cross-validation.
   */
  public static Report train(
      List<PreparedDataset> datasets,
      Path dataDir,
      Settings settings,
      Predicate<BeirDataset.Query> which,
      Consumer<String> progress) {
    if (datasets.isEmpty()) {
      throw new IllegalArgumentException("at least one dataset is needed to train a ranker");
    }
    Predicate<BeirDataset.Query> use =
        settings.holdOut() ? which.and(q -> DevSplit.training(q.id())) : which;
    FusionFeatures features = new FusionFeatures();
    List<float[]> xs = new ArrayList<>();
    List<float[]> ys = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    List<Integer> groupsPerDataset = new ArrayList<>();
    int rows = 0;
    for (PreparedDataset d : datasets) {
      int before = groups.size();
      for (BeirDataset.Query q : d.dataset().queries()) {
        if (!use.test(q)) continue;
        List<Hit> all = d.candidates(q);
        if (all.isEmpty()) continue;
        List<Hit> hits = all.subList(0, Math.min(settings.candidates(), all.size()));
        xs.add(features.extract(q.text(), hits, d.signals(q, all), d.lookups(q)));
        Map<String, Integer> qrels = d.dataset().qrels(q.id());
        float[] y = new float[hits.size()];
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.max(0, qrels.getOrDefault(hits.get(i).passage().source(), 0));
        }
        ys.add(y);
        groups.add(hits.size());
        rows += hits.size();
      }
      groupsPerDataset.add(groups.size() - before);
      progress.accept("features of " + (groups.size() - before) + " questions");
    }
    // Each dataset weighs the same in the objective whatever its number of questions, so the 2,850
    // SQuAD questions of a half do not drown Cranfield's 51 (XGBoost ranking takes one weight per
    // group).
    float[] weights = new float[groups.size()];
    int g = 0;
    for (int count : groupsPerDataset) {
      for (int i = 0; i < count; i++) {
        weights[g++] = (float) groups.size() / (groupsPerDataset.size() * count);
      }
    }
    try (FusionModel model =
        new FusionModel(
            fit(xs, ys, groups, weights, rows, FusionFeatures.count(), settings),
            settings.candidates())) {
      Path file = model.save(dataDir);
      progress.accept("saved " + file);
      return new Report(file, groups.size(), rows);
    }
  }

  /**
   * Fits one model: {@code xs.get(g)} holds group g's rows ({@code columns} features each), {@code
   * ys.get(g)} their labels, {@code weights[g]} the group's weight.
   */
  static Booster fit(
      List<float[]> xs,
      List<float[]> ys,
      List<Integer> groups,
      float[] weights,
      int rows,
      int columns,
      Settings s) {
    int f = columns;
    float[] x = new float[rows * f];
    float[] y = new float[rows];
    int at = 0;
    for (int g = 0; g < xs.size(); g++) {
      System.arraycopy(xs.get(g), 0, x, at * f, xs.get(g).length);
      System.arraycopy(ys.get(g), 0, y, at, ys.get(g).length);
      at += ys.get(g).length;
    }
    return fit(x, y, groups, weights, rows, f, params(s), s.rounds());
  }

  /** XGBoost's parameters for {@code s} (what {@link #fit} trains with). */
  static Map<String, Object> params(Settings s) {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", s.objective());
    params.put("eval_metric", "ndcg@10");
    params.put("eta", s.eta());
    if (s.linear()) {
      params.put("booster", "gblinear");
      params.put("lambda", 1.0);
    } else {
      params.put("max_depth", s.maxDepth());
      params.put("min_child_weight", s.minChildWeight());
      params.put("subsample", 0.8);
      params.put("colsample_bytree", 0.8);
    }
    params.put("seed", s.seed());
    // Two threads: the machines this runs on are small and shared; the fit takes seconds.
    params.put("nthread", 2);
    params.put("verbosity", 0);
    return params;
  }

  /** Fits {@code rounds} rounds with XGBoost {@code params} on row-major {@code x}. */
  static Booster fit(
      float[] x,
      float[] y,
      List<Integer> groups,
      float[] weights,
      int rows,
      int columns,
      Map<String, Object> params,
      int rounds) {
    DMatrix train = null;
    try {
      train = new DMatrix(x, rows, columns, Float.NaN);
      train.setLabel(y);
      train.setGroup(groups.stream().mapToInt(Integer::intValue).toArray());
      train.setWeight(weights);
      return XGBoost.train(train, params, rounds, Map.of(), null, null);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost training failed: " + e, e);
    } finally {
      if (train != null) train.dispose();
    }
  }
}
