package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.MetricSummary;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

/**
 * Chooses the fusion ranker's features and settings by 5-fold cross-validation over all of each dev
 * set ({@link DevSplit#fold(String, int)}): every question is scored by a model that never saw it
 * (out of fold), so the figures estimate held-out quality without touching the held-out sets, which
 * are not on these machines. Prints a table; asserts nothing (run with {@code
 * -Dfathom.rank.full=true}; docs/ranking.md reports it).
 */
class FusionCrossValidationIT {
  static final int K = 5;

  /** Use one sixth of SQuAD's questions ({@code -Dfathom.rank.cv.squad=all} for all of them). */
  static final boolean SQUAD_SIXTH = !"all".equals(System.getProperty("fathom.rank.cv.squad"));

  /** One judged question's candidates: features (all columns), labels, sources, qrels. */
  record Group(
      String dataset,
      String id,
      int fold,
      float[] x,
      float[] y,
      List<String> sources,
      Map<String, Integer> qrels) {
    int rows() {
      return y.length;
    }
  }

  /** A variant: which columns, which settings, and whether to blend the result with hybrid. */
  record Variant(String name, int columns, RankerTraining.Settings settings, boolean jointOnly) {}

  @Test
  void fiveFoldOutOfFold() throws Exception {
    assumeTrue(Boolean.getBoolean("fathom.rank.full"), "set -Dfathom.rank.full=true to run");
    List<Group> groups = new ArrayList<>();
    List<PreparedDataset> data = new ArrayList<>();
    FusionFeatures features = new FusionFeatures();
    try {
      for (String name : List.of("cranfield-dev", "squad-dev")) {
        PreparedDataset d =
            PreparedDataset.openOrIndex(
                BeirDataset.load(FusionRankerIT.sharedData(name)),
                TestEmbedder.shared(),
                FusionRankerIT.indexCache(name),
                HybridRetriever.Settings.defaults());
        data.add(d);
        for (BeirDataset.Query q : d.dataset().queries()) {
          // SQuAD's 5,696 questions make each fit minutes long on the shared machine; one sixth of
          // them (by id hash, independent of the folds) is enough to compare variants.
          if (name.equals("squad-dev") && SQUAD_SIXTH && DevSplit.fold(q.id(), 6) != 0) continue;
          Map<String, Integer> qrels = d.dataset().qrels(q.id());
          if (qrels.isEmpty()) continue;
          List<Hit> hits = d.candidates(q);
          if (hits.isEmpty()) continue;
          float[] x = features.extract(q.text(), hits, d.signals(q, hits), d.index()::idf);
          float[] y = new float[hits.size()];
          List<String> sources = hits.stream().map(h -> h.passage().source()).toList();
          for (int i = 0; i < y.length; i++)
            y[i] = Math.max(0, qrels.getOrDefault(sources.get(i), 0));
          groups.add(new Group(name, q.id(), DevSplit.fold(q.id(), K), x, y, sources, qrels));
        }
        System.out.println("CV features of " + name + " done");
      }
    } finally {
      data.forEach(PreparedDataset::close);
    }
    int all = FusionFeatures.count();
    var trees = RankerTraining.Settings.defaults();
    List<Variant> variants =
        List.of(
            new Variant("15 features (before)", 15, trees, false),
            new Variant("19 features", all, trees, false),
            new Variant(
                "19 features, depth 2 x 400",
                all,
                new RankerTraining.Settings(400, 0.05, 2, false, 42, false),
                true),
            new Variant(
                "19 features, linear",
                all,
                new RankerTraining.Settings(200, 0.05, 1, false, 42, true),
                true));
    // ranking name -> dataset -> out-of-fold metrics
    Map<String, Map<String, MetricSummary>> results = new java.util.LinkedHashMap<>();
    BiFunction<String, String, MetricSummary> summary =
        (v, ds) ->
            results
                .computeIfAbsent(v, x -> new java.util.LinkedHashMap<>())
                .computeIfAbsent(ds, x -> MetricSummary.of("ndcg@10", "recall@5", "mrr@10"));
    for (Group g : groups) summary.apply("hybrid", g.dataset()).add(g.sources(), g.qrels());
    for (Variant v : variants) {
      for (String training : v.jointOnly() ? List.of("joint") : List.of("joint", "alone")) {
        for (int fold = 0; fold < K; fold++) {
          int f = fold;
          for (String scope : training.equals("joint") ? List.of("*") : List.of("cranfield-dev")) {
            List<Group> train =
                groups.stream()
                    .filter(g -> g.fold() != f && (scope.equals("*") || g.dataset().equals(scope)))
                    .toList();
            Booster b = fit(train, v.columns(), v.settings());
            try {
              for (Group g : groups) {
                if (g.fold() != f || !(scope.equals("*") || g.dataset().equals(scope))) continue;
                double[] s = predict(b, g, v.columns());
                String label = v.name() + " " + training;
                summary.apply(label, g.dataset()).add(order(g, s), g.qrels());
                summary.apply(label + " +hybrid RRF", g.dataset()).add(blend(g, s), g.qrels());
              }
            } finally {
              b.dispose();
            }
          }
        }
        System.out.println("CV " + v.name() + " " + training + " done");
      }
    }
    StringBuilder sb = new StringBuilder("CV 5-fold out-of-fold (all dev questions):\n");
    results.forEach(
        (v, byDs) ->
            byDs.forEach(
                (ds, m) ->
                    sb.append(
                        String.format(
                            "CVROW %-45s %-14s n=%4d %s%n", v, ds, m.queries(), m.means()))));
    System.out.print(sb);
  }

  static Booster fit(List<Group> train, int columns, RankerTraining.Settings s) {
    List<float[]> xs = new ArrayList<>();
    List<float[]> ys = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    Map<String, Integer> perDataset = new java.util.HashMap<>();
    for (Group g : train) perDataset.merge(g.dataset(), 1, Integer::sum);
    float[] weights = new float[train.size()];
    int rows = 0;
    for (int i = 0; i < train.size(); i++) {
      Group g = train.get(i);
      xs.add(columns(g.x(), g.rows(), columns));
      ys.add(g.y());
      sizes.add(g.rows());
      rows += g.rows();
      // Each dataset weighs the same, as RankerTraining does.
      weights[i] = (float) train.size() / (perDataset.size() * perDataset.get(g.dataset()));
    }
    return RankerTraining.fit(xs, ys, sizes, weights, rows, columns, s);
  }

  static float[] columns(float[] x, int rows, int columns) {
    int all = FusionFeatures.count();
    if (columns == all) return x;
    float[] out = new float[rows * columns];
    for (int r = 0; r < rows; r++) System.arraycopy(x, r * all, out, r * columns, columns);
    return out;
  }

  static double[] predict(Booster b, Group g, int columns) throws XGBoostError {
    DMatrix m = new DMatrix(columns(g.x(), g.rows(), columns), g.rows(), columns, Float.NaN);
    try {
      float[][] p = b.predict(m);
      double[] out = new double[g.rows()];
      for (int i = 0; i < out.length; i++) out[i] = p[i][0];
      return out;
    } finally {
      m.dispose();
    }
  }

  /** The group's sources ordered by score, best first (ties: retrieval order). */
  static List<String> order(Group g, double[] s) {
    Integer[] idx = new Integer[s.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Arrays.sort(idx, (a, b) -> Double.compare(s[b], s[a]));
    return Arrays.stream(idx).map(g.sources()::get).toList();
  }

  /** Reciprocal rank fusion (k = 20, as hybrid) of the fusion order and the hybrid order. */
  static List<String> blend(Group g, double[] s) {
    List<String> fused = order(g, s);
    double[] score = new double[s.length];
    for (int i = 0; i < s.length; i++) score[i] += 1.0 / (20 + i + 1); // hybrid rank i + 1
    for (int r = 0; r < fused.size(); r++)
      score[g.sources().indexOf(fused.get(r))] += 1.0 / (20 + r + 1);
    return order(g, score);
  }
}
