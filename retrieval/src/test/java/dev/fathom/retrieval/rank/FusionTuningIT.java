package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.retrieval.eval.MetricSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.Test;

/**
 * The fusion ranker's tuning harness: 5-fold out-of-fold cross-validation over all of each dev set
 * ({@link DevSplit#fold(String, int)}), like {@link FusionCrossValidationIT}, over features
 * computed once and kept on disk ({@link FusionCvData}), so that each variant costs only its fits.
 * Variants come from {@code -Dfathom.rank.tune="label|key=value|…;label|…"}; each is compared with
 * hybrid and with a baseline (the first variant, or {@code -Dfathom.rank.tune.baseline=LABEL} of
 * this run or an earlier one: every variant's per-question values are kept in {@code
 * target/fusion-cv/results/}), question by question: paired differences and their standard errors
 * ({@code CVDIFF}) and the difference within each fold ({@code CVFOLD}). Keys: {@code feats} (comma
 * list: {@code base} = the 23 features shipped before these runs, {@code shipped} = {@link
 * FusionFeatures#NAMES}, {@code all}, {@code +name}/{@code -name}, groups {@code sent}, {@code z},
 * {@code prox}, {@code nb}), {@code cands} (candidates reranked: 100, 50, 30, 20), {@code cw}
 * (Cranfield's weight relative to SQuAD's, 1 = equal), {@code rounds}, and XGBoost's own parameters
 * ({@code objective}, {@code max_depth}, {@code eta}, {@code min_child_weight}, {@code
 * ndcg_exp_gain}, {@code lambdarank_num_pair_per_sample}, {@code seed}, …). SQuAD is one sixth of
 * its questions unless {@code -Dfathom.rank.cv.squad=all}. Prints; asserts nothing (run with {@code
 * -Dfathom.rank.full=true}).
 */
class FusionTuningIT {

  @Test
  void tune() throws Exception {
    assumeTrue(Boolean.getBoolean("fathom.rank.full"), "set -Dfathom.rank.full=true to run");
    List<FusionCvData.Group> all =
        FusionCvData.load(Path.of(System.getProperty("fathom.root", "."), "target", "fusion-cv"));
    boolean allSquad = "all".equals(System.getProperty("fathom.rank.cv.squad"));
    List<FusionCvData.Group> groups =
        all.stream()
            .filter(
                g -> allSquad || !g.dataset().equals("squad-dev") || DevSplit.fold(g.id(), 6) == 0)
            .toList();
    System.out.println("TUNE groups: " + groups.size() + (allSquad ? " (all SQuAD)" : ""));
    Map<String, Map<String, Map<String, double[]>>> perQuestion = new LinkedHashMap<>();
    Map<String, Map<String, MetricSummary>> results = new LinkedHashMap<>();
    BiFunction<String, String, MetricSummary> summary =
        (v, ds) ->
            results
                .computeIfAbsent(v, x -> new LinkedHashMap<>())
                .computeIfAbsent(ds, x -> MetricSummary.of("ndcg@10", "recall@5", "mrr@10"));
    Map<String, Integer> folds = new java.util.HashMap<>();
    for (FusionCvData.Group g : groups) {
      FusionCrossValidationIT.record(perQuestion, summary, "hybrid", g.cv(0), g.sources());
      folds.put(g.id(), g.fold());
    }
    Path saved = Path.of(System.getProperty("fathom.root", "."), "target", "fusion-cv", "results");
    loadSaved(saved, groups, perQuestion);
    String spec = System.getProperty("fathom.rank.tune", "base|cands=100");
    String baseline = System.getProperty("fathom.rank.tune.baseline");
    for (String v : spec.split(";")) {
      if (v.isBlank()) continue;
      String[] parts = v.strip().split("\\|");
      String label = parts[0];
      Map<String, String> kv = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] p = parts[i].split("=", 2);
        kv.put(p[0].strip(), p[1].strip());
      }
      long t0 = System.nanoTime();
      run(groups, label, kv, perQuestion, summary);
      if (baseline == null) baseline = label;
      System.out.printf("TUNE %s done in %.0f s%n", label, (System.nanoTime() - t0) / 1e9);
      print(label, baseline, perQuestion, results, folds);
      save(saved, label, allSquad, perQuestion.get(label));
    }
  }

  /**
   * The shipped features' ranking cost on the loaded development machine ({@code
   * -Dfathom.rank.latency=true}): a model trained on Cranfield's training half over the cached
   * index of {@link FusionCvData}, timed by {@link RerankBenchmark} as {@code fathom bench rerank}
   * does.
   */
  @Test
  void latency(@org.junit.jupiter.api.io.TempDir Path dir) {
    assumeTrue(Boolean.getBoolean("fathom.rank.latency"), "set -Dfathom.rank.latency=true to run");
    Path cache = Path.of(System.getProperty("fathom.root", "."), "target", "fusion-cv");
    try (PreparedDataset d =
        PreparedDataset.openOrIndex(
            dev.fathom.retrieval.eval.BeirDataset.load(FusionRankerIT.sharedData("cranfield-dev")),
            dev.fathom.retrieval.testing.TestEmbedder.shared(),
            cache.resolve("index-cranfield-dev"),
            dev.fathom.retrieval.search.HybridRetriever.Settings.defaults())) {
      RankerTraining.train(List.of(d), dir, RankerTraining.Settings.defaults(), s -> {});
      try (FusionModel model = FusionModel.load(dir)) {
        FusionRanker fusion =
            new FusionRanker(
                d.index(),
                dev.fathom.retrieval.testing.TestEmbedder.shared(),
                model,
                d.depth(),
                d.recentSignals());
        List<String> qs = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
          d.dataset().queries().forEach(q -> qs.add(q.text()));
        }
        for (var row :
            RerankBenchmark.run(
                qs, d.retriever(), List.of(Ranker.none(), fusion), new int[] {20, 50, 100}, 60)) {
          System.out.println("LATENCY " + row);
        }
      }
    }
  }

  static void run(
      List<FusionCvData.Group> groups,
      String label,
      Map<String, String> kv,
      Map<String, Map<String, Map<String, double[]>>> perQuestion,
      BiFunction<String, String, MetricSummary> summary)
      throws Exception {
    int[] columns = features(kv.getOrDefault("feats", "base"));
    int depth = FusionCvData.depthIndex(Integer.parseInt(kv.getOrDefault("cands", "100")));
    double cw = Double.parseDouble(kv.getOrDefault("cw", "1"));
    int rounds = Integer.parseInt(kv.getOrDefault("rounds", "200"));
    Map<String, Object> params = RankerTraining.params(RankerTraining.Settings.defaults());
    for (var e : kv.entrySet()) {
      if (Set.of("feats", "cands", "cw", "rounds").contains(e.getKey())) continue;
      params.put(e.getKey(), e.getValue());
    }
    for (int fold = 0; fold < FusionCrossValidationIT.K; fold++) {
      int f = fold;
      List<FusionCvData.Group> train = groups.stream().filter(g -> g.fold() != f).toList();
      Map<String, Integer> perDataset = new LinkedHashMap<>();
      for (var g : train) perDataset.merge(g.dataset(), 1, Integer::sum);
      int rows = 0;
      for (var g : train) rows += g.rows(depth);
      float[] x = new float[rows * columns.length];
      float[] y = new float[rows];
      List<Integer> sizes = new ArrayList<>();
      float[] w = new float[train.size()];
      int at = 0;
      for (int i = 0; i < train.size(); i++) {
        var g = train.get(i);
        int n = g.rows(depth);
        System.arraycopy(
            FusionCrossValidationIT.columns(g.x()[depth], n, columns),
            0,
            x,
            at * columns.length,
            n * columns.length);
        System.arraycopy(g.y(), 0, y, at, n);
        at += n;
        sizes.add(n);
        double share = (double) train.size() / (perDataset.size() * perDataset.get(g.dataset()));
        w[i] = (float) (share * (g.dataset().equals("cranfield-dev") ? cw : 1));
      }
      Booster b = RankerTraining.fit(x, y, sizes, w, rows, columns.length, params, rounds);
      try {
        for (var g : groups) {
          if (g.fold() != f) continue;
          int n = g.rows(depth);
          DMatrix m =
              new DMatrix(
                  FusionCrossValidationIT.columns(g.x()[depth], n, columns),
                  n,
                  columns.length,
                  Float.NaN);
          float[][] p;
          try {
            p = b.predict(m);
          } finally {
            m.dispose();
          }
          double[] s = new double[n];
          for (int i = 0; i < n; i++) s[i] = p[i][0];
          List<String> ranked = new ArrayList<>(FusionCrossValidationIT.order(g.cv(depth), s));
          ranked.addAll(g.sources().subList(n, g.sources().size()));
          FusionCrossValidationIT.record(perQuestion, summary, label, g.cv(depth), ranked);
        }
      } finally {
        b.dispose();
      }
    }
  }

  /**
   * Earlier runs' per-question values (same folds, same features: runs are deterministic), so a
   * variant can be compared with a baseline without fitting it again.
   */
  static void loadSaved(
      Path dir,
      List<FusionCvData.Group> groups,
      Map<String, Map<String, Map<String, double[]>>> perQuestion)
      throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(dir)) return;
    Set<String> wanted = new java.util.HashSet<>();
    for (var g : groups) wanted.add(g.dataset() + "\t" + g.id());
    try (var files = java.nio.file.Files.list(dir)) {
      for (Path f : files.toList()) {
        Map<String, Map<String, double[]>> byDs = new LinkedHashMap<>();
        for (String line : java.nio.file.Files.readAllLines(f)) {
          String[] t = line.split("\t");
          if (!wanted.contains(t[0] + "\t" + t[1])) continue;
          byDs.computeIfAbsent(t[0], x -> new java.util.HashMap<>())
              .put(t[1], new double[] {Double.parseDouble(t[2]), Double.parseDouble(t[3])});
        }
        String label = f.getFileName().toString().replaceFirst("\\.tsv$", "");
        boolean complete = true;
        for (String w : wanted) {
          String[] t = w.split("\t");
          if (!byDs.getOrDefault(t[0], Map.of()).containsKey(t[1])) complete = false;
        }
        if (complete) perQuestion.put("saved:" + label, byDs);
      }
    }
  }

  static void save(Path dir, String label, boolean allSquad, Map<String, Map<String, double[]>> m)
      throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir);
    StringBuilder sb = new StringBuilder();
    m.forEach(
        (ds, byId) ->
            byId.forEach((id, v) -> sb.append(ds + "\t" + id + "\t" + v[0] + "\t" + v[1] + "\n")));
    String name = label.replaceAll("[^A-Za-z0-9_.+=-]", "_") + (allSquad ? ".all" : "") + ".tsv";
    java.nio.file.Files.writeString(dir.resolve(name), sb);
  }

  /** Column indices into {@link FusionFeatures#ALL} for a {@code feats} value. */
  static int[] features(String spec) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, List<String>> named =
        Map.of(
            "base", FusionFeatures.ALL.subList(0, 23),
            "shipped", FusionFeatures.NAMES,
            "all", FusionFeatures.ALL,
            "sent", List.of("sentence_cos", "sentence_cos_gap"),
            "z", List.of("bm25_z", "dense_z", "rm3_z", "rocchio_z"),
            "prox", FusionCrossValidationIT.PROXIMITY,
            "nb", FusionCrossValidationIT.NEIGHBOURS);
    for (String t : spec.split(",")) {
      t = t.strip();
      boolean minus = t.startsWith("-");
      String name = t.startsWith("+") || minus ? t.substring(1) : t;
      List<String> names = named.getOrDefault(name, List.of(name));
      for (String n : names) {
        if (!FusionFeatures.ALL.contains(n)) throw new IllegalArgumentException("no feature " + n);
        if (minus) out.remove(n);
        else out.add(n);
      }
    }
    return out.stream().mapToInt(FusionFeatures.ALL::indexOf).toArray();
  }

  static void print(
      String label,
      String baseline,
      Map<String, Map<String, Map<String, double[]>>> perQuestion,
      Map<String, Map<String, MetricSummary>> results,
      Map<String, Integer> folds) {
    StringBuilder sb = new StringBuilder();
    results
        .get(label)
        .forEach(
            (ds, m) -> {
              Map<String, double[]> mine = perQuestion.get(label).get(ds);
              sb.append(
                  String.format(
                      "CVROW %-40s %-13s n=%4d ndcg@10 %.4f recall@5 %.4f mrr@10 %.4f%n",
                      label,
                      ds,
                      m.queries(),
                      m.means().get("ndcg@10"),
                      m.means().get("recall@5"),
                      m.means().get("mrr@10")));
              for (String base : new LinkedHashSet<>(Arrays.asList("hybrid", baseline))) {
                if (base.equals(label)) continue;
                var byDs = perQuestion.get(base);
                if (byDs == null) byDs = perQuestion.get("saved:" + base);
                if (byDs == null) continue;
                Map<String, double[]> other = byDs.get(ds);
                sb.append(
                    String.format(
                        "CVDIFF %-40s %-13s vs %-24s ndcg@10 %+.4f (se %.4f) recall@5 %+.4f (se"
                            + " %.4f)%n",
                        label,
                        ds,
                        base,
                        FusionCrossValidationIT.mean(mine, other, 0),
                        FusionCrossValidationIT.se(mine, other, 0),
                        FusionCrossValidationIT.mean(mine, other, 1),
                        FusionCrossValidationIT.se(mine, other, 1)));
                if (base.equals("hybrid")) continue;
                // Fold-consistency: the paired difference within each fold.
                sb.append(String.format("CVFOLD %-40s %-13s vs %-24s", label, ds, base));
                for (int k = 0; k < 2; k++) {
                  sb.append(k == 0 ? " ndcg@10" : " recall@5");
                  for (int f = 0; f < FusionCrossValidationIT.K; f++) {
                    double sum = 0;
                    int n = 0;
                    for (var e : mine.entrySet()) {
                      if (folds.get(e.getKey()) != f) continue;
                      sum += e.getValue()[k] - other.get(e.getKey())[k];
                      n++;
                    }
                    sb.append(String.format(" %+.4f", n == 0 ? 0 : sum / n));
                  }
                }
                sb.append('\n');
              }
            });
    System.out.print(sb);
    System.out.flush();
  }
}
