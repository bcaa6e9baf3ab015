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

  /** A variant: which feature columns, which settings, and whether to skip Cranfield-alone. */
  record Variant(
      String name, List<String> features, RankerTraining.Settings settings, boolean jointOnly) {
    int[] columns() {
      return features.stream().mapToInt(FusionFeatures.ALL::indexOf).toArray();
    }
  }

  /** The 19 features shipped before the feedback, proximity and neighbour features. */
  static final List<String> BEFORE = FusionFeatures.ALL.subList(0, 19);

  static final List<String> PRF = List.of("rm3", "rm3_rr", "rocchio", "rocchio_gap");
  static final List<String> PROXIMITY = List.of("window_density", "tf_coverage", "sentence_bm25");
  static final List<String> NEIGHBOURS = List.of("neighbour_cos", "same_source");

  static List<String> plus(List<String> a, List<String>... more) {
    List<String> out = new ArrayList<>(a);
    for (List<String> m : more) out.addAll(m);
    return List.copyOf(out);
  }

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
          float[] x = features.extractAll(q.text(), hits, d.signals(q, hits), d.lookups(q));
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
    var trees = RankerTraining.Settings.defaults();
    List<Variant> variants =
        List.of(
            new Variant("19 features (before)", BEFORE, trees, true),
            new Variant("19 + PRF", plus(BEFORE, PRF), trees, true),
            new Variant("19 + PRF + proximity", plus(BEFORE, PRF, PROXIMITY), trees, true),
            new Variant(
                "28 (+PRF +proximity +neighbours)",
                plus(BEFORE, PRF, PROXIMITY, NEIGHBOURS),
                trees,
                true),
            new Variant("19 + proximity", plus(BEFORE, PROXIMITY), trees, true),
            new Variant("19 + neighbours", plus(BEFORE, NEIGHBOURS), trees, true));
    // -Dfathom.rank.cv.variants=NAME|NAME… runs only those (each joint fit is minutes long).
    String only = System.getProperty("fathom.rank.cv.variants", "");
    if (!only.isBlank()) {
      List<String> names = List.of(only.split("\\|"));
      variants = variants.stream().filter(v -> names.contains(v.name())).toList();
    }
    // ranking name -> dataset -> question id -> its ndcg@10 and recall@5 (paired by question)
    Map<String, Map<String, Map<String, double[]>>> perQuestion = new java.util.LinkedHashMap<>();
    // ranking name -> dataset -> out-of-fold metrics
    Map<String, Map<String, MetricSummary>> results = new java.util.LinkedHashMap<>();
    BiFunction<String, String, MetricSummary> summary =
        (v, ds) ->
            results
                .computeIfAbsent(v, x -> new java.util.LinkedHashMap<>())
                .computeIfAbsent(ds, x -> MetricSummary.of("ndcg@10", "recall@5", "mrr@10"));
    for (Group g : groups) record(perQuestion, summary, "hybrid", g, g.sources());
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
                record(perQuestion, summary, label, g, order(g, s));
                record(perQuestion, summary, label + " +hybrid RRF", g, blend(g, s));
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
                (ds, m) -> {
                  Map<String, double[]> mine = perQuestion.get(v).get(ds);
                  sb.append(
                      String.format(
                          "CVROW %-50s %-14s n=%4d %s; ndcg@10 se %.4f, recall@5 se %.4f%n",
                          v, ds, m.queries(), m.means(), se(mine, null, 0), se(mine, null, 1)));
                  for (String base : List.of("hybrid", BASELINE)) {
                    Map<String, double[]> other = perQuestion.getOrDefault(base, Map.of()).get(ds);
                    if (other == null || base.equals(v)) continue;
                    sb.append(
                        String.format(
                            "CVDIFF %-50s %-14s vs %-28s ndcg@10 %+.4f (paired se %.4f),"
                                + " recall@5 %+.4f (paired se %.4f)%n",
                            v,
                            ds,
                            base,
                            mean(mine, other, 0),
                            se(mine, other, 0),
                            mean(mine, other, 1),
                            se(mine, other, 1)));
                  }
                }));
    System.out.print(sb);
  }

  /** The ranking every variant is also compared with, question by question. */
  static final String BASELINE = "19 features (before) joint";

  /** Adds one question's ranking to the summary and keeps its per-question values. */
  static void record(
      Map<String, Map<String, Map<String, double[]>>> perQuestion,
      BiFunction<String, String, MetricSummary> summary,
      String ranking,
      Group g,
      List<String> ranked) {
    var values = summary.apply(ranking, g.dataset()).add(ranked, g.qrels());
    perQuestion
        .computeIfAbsent(ranking, x -> new java.util.LinkedHashMap<>())
        .computeIfAbsent(g.dataset(), x -> new java.util.HashMap<>())
        .put(g.id(), new double[] {values.get("ndcg@10"), values.get("recall@5")});
  }

  /** Mean over questions of metric m of {@code a}, minus {@code b}'s for the same question. */
  static double mean(Map<String, double[]> a, Map<String, double[]> b, int m) {
    double s = 0;
    for (var e : a.entrySet()) s += e.getValue()[m] - (b == null ? 0 : b.get(e.getKey())[m]);
    return s / a.size();
  }

  /** Standard error of that mean (paired by question against {@code b} when given). */
  static double se(Map<String, double[]> a, Map<String, double[]> b, int m) {
    double mu = mean(a, b, m);
    double ss = 0;
    for (var e : a.entrySet()) {
      double d = e.getValue()[m] - (b == null ? 0 : b.get(e.getKey())[m]) - mu;
      ss += d * d;
    }
    return a.size() < 2 ? 0 : Math.sqrt(ss / (a.size() - 1) / a.size());
  }

  static Booster fit(List<Group> train, int[] columns, RankerTraining.Settings s) {
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
    return RankerTraining.fit(xs, ys, sizes, weights, rows, columns.length, s);
  }

  /** The given columns of row-major features over all of {@link FusionFeatures#ALL}. */
  static float[] columns(float[] x, int rows, int[] columns) {
    int all = FusionFeatures.ALL.size();
    float[] out = new float[rows * columns.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns.length; c++)
        out[r * columns.length + c] = x[r * all + columns[c]];
    }
    return out;
  }

  static double[] predict(Booster b, Group g, int[] columns) throws XGBoostError {
    DMatrix m = new DMatrix(columns(g.x(), g.rows(), columns), g.rows(), columns.length, Float.NaN);
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
