package dev.fathom.compressors.recomp;

import static dev.fathom.compressors.recomp.LinearSimilarity.cosines;
import static dev.fathom.compressors.recomp.LinearSimilarity.fitLinear;
import static dev.fathom.compressors.recomp.LinearSimilarity.score;
import static dev.fathom.compressors.recomp.LinearSimilarity.topSentence;
import static dev.fathom.compressors.recomp.LinearSimilarity.variant;

import dev.fathom.compressors.recomp.LinearSimilarity.Variant;
import dev.fathom.compressors.recomp.RecompRecording.Question;
import dev.fathom.compressors.recomp.RecompRecording.Recording;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A scratch harness, not a test (the build never runs it): does a <b>learned similarity over the
 * frozen MiniLM vectors</b> give the compressor's trees a signal their 67 features lack? The trees
 * see only the cosine of the question's and a sentence's vectors, the unweighted sum of the 384
 * terms q<sub>i</sub>s<sub>i</sub>. A linear model fitted by XGBoost ({@code booster=gblinear}, no
 * hand-written gradients) over those terms (and optionally |q−s|) learns a weighting of them, a
 * diagonal bilinear similarity (the metric learning of Weinberger and Saul's Mahalanobis family,
 * restricted to a diagonal so that it stays a cheap dot product), optionally with low-rank cross
 * terms of principal directions, or as a residual over the cosine (the cosine as base margin);
 * RECOMP fine-tunes the encoder with a contrastive loss instead, which a frozen ONNX encoder rules
 * out. Measured: docs/compression.md, "A learned similarity over the frozen vectors" (it does not
 * lift half 0 by more than its noise, so nothing of it ships).
 *
 * <p>The similarity is fitted per sentence (a sentence that holds a gold answer is a positive) and
 * becomes three features of each unit: its sentence's score, that score's rank among the question's
 * sentences and its distance to the best. It is fitted <b>out of fold</b>: the trees of one half
 * see, on their own training rows, scores of linear models fitted on the other article folds of
 * that half ({@link #INNER} folds), and the half they score gets a linear model fitted on the whole
 * training half; so no score the trees see was fitted on its own row. Everything else is the
 * training's: {@link CompressorTraining.Settings#defaults()}' trees, {@link
 * PolicyChoice#chooseNormalised} on half 0, half 1 only reported.
 *
 * <p>Run after {@link RecompRecording}: {@code java -cp ... LearnedSimilarityHarness FILE MODE}
 * with MODE {@code linear} (the similarity alone: top-1 sentence on half 0 for each variant, fitted
 * on half 1), {@code baseline} (the shipped 67 features) or {@code learned VARIANT}.
 */
final class LearnedSimilarityHarness {

  /** Article folds inside a training half for the trees' own rows. */
  static final int INNER = 4;

  private LearnedSimilarityHarness() {}

  public static void main(String[] args) throws IOException {
    long start = System.nanoTime();
    Recording r = RecompRecording.read(Path.of(args[0]));
    log(start, "read " + r.questions().size() + " questions");
    List<float[]> qvs = r.questions().stream().map(Question::question).toList();
    LinearSimilarity.questionBasis = Pca.top(qvs, 24, LinearSimilarity.DIM);
    LinearSimilarity.sentenceBasis = Pca.top(r.vectors(), 24, LinearSimilarity.DIM);
    log(
        start,
        "principal directions of "
            + qvs.size()
            + " questions, "
            + r.vectors().size()
            + " sentences");
    switch (args[1]) {
      case "linear" -> {
        for (String name : List.of(args).subList(2, args.length)) {
          Variant v = variant(name);
          List<Question> train = inFold(r.questions(), 1), test = inFold(r.questions(), 0);
          Booster b = fitLinear(r, train, v);
          log(
              start,
              String.format(
                  Locale.ROOT,
                  "%s: half-0 top-1 sentence %.4f (cosine %.4f); in-sample half 1 %.4f (cosine %.4f)",
                  name,
                  topSentence(r, test, q -> score(r, b, q, v)),
                  topSentence(r, test, q -> cosines(r, q)),
                  topSentence(r, train, q -> score(r, b, q, v)),
                  topSentence(r, train, q -> cosines(r, q))));
          b.dispose();
        }
      }
      case "baseline" -> {
        List<double[]> oof =
            CompressorTraining.outOfFold(
                r.examples(), CompressorTraining.Settings.defaults(), line -> log(start, line));
        report("67 features (shipped)", r.examples(), oof, start);
      }
      case "learned" -> {
        Variant v = variant(args[2]);
        List<double[]> oof = learnedOutOfFold(r, v, start);
        report("67 features + learned similarity " + args[2], r.examples(), oof, start);
      }
      default -> throw new IllegalArgumentException("mode: linear, baseline or learned VARIANT");
    }
  }

  /** Out-of-fold probabilities of trees over the 67 features and the 3 similarity features. */
  static List<double[]> learnedOutOfFold(Recording r, Variant v, long start) {
    List<Question> qs = r.questions();
    List<double[]> oof = new ArrayList<>();
    for (int i = 0; i < qs.size(); i++) oof.add(null);
    for (int fold = 0; fold < 2; fold++) {
      int test = fold, train = 1 - fold;
      Map<Question, double[]> sim = new HashMap<>();
      // The trees' own rows: the linear model of the other article folds of the training half.
      for (int k = 0; k < INNER; k++) {
        int kk = k;
        List<Question> fit = new ArrayList<>(), score = new ArrayList<>();
        for (Question q : inFold(qs, train)) (inner(q) == kk ? score : fit).add(q);
        Booster b = fitLinear(r, fit, v);
        for (Question q : score) sim.put(q, score(r, b, q, v));
        b.dispose();
      }
      Booster b = fitLinear(r, inFold(qs, train), v);
      for (Question q : inFold(qs, test)) sim.put(q, score(r, b, q, v));
      b.dispose();
      log(start, "similarities for the trees of half " + train);
      List<TrainingExample> trainRows = new ArrayList<>();
      List<float[]> trainX = new ArrayList<>();
      for (Question q : inFold(qs, train)) {
        trainRows.add(q.example());
        trainX.add(extend(q, sim.get(q)));
      }
      Booster trees = fitTrees(trainRows, trainX, SpanFeatures.count() + 3);
      for (int i = 0; i < qs.size(); i++) {
        Question q = qs.get(i);
        if (q.example().fold() == test) {
          oof.set(i, predict(trees, extend(q, sim.get(q)), q.example().rows()));
        }
      }
      trees.dispose();
      log(start, "fitted the trees of half " + train + ", scored half " + test);
    }
    return oof;
  }

  /** The 67 features of each unit, then its sentence's similarity, rank and distance to best. */
  static float[] extend(Question q, double[] sim) {
    TrainingExample e = q.example();
    int f = SpanFeatures.count(), g = f + 3, n = e.rows();
    double best = Double.NEGATIVE_INFINITY;
    for (double s : sim) best = Math.max(best, s);
    float[] x = new float[n * g];
    for (int i = 0; i < n; i++) {
      System.arraycopy(e.features(), i * f, x, i * g, f);
      double s = sim[e.sentence()[i]];
      int rank = 0;
      for (double o : sim) if (o > s) rank++;
      x[i * g + f] = (float) s;
      x[i * g + f + 1] = rank;
      x[i * g + f + 2] = (float) (s - best);
    }
    return x;
  }

  static List<Question> inFold(List<Question> qs, int fold) {
    return qs.stream().filter(q -> q.example().fold() == fold).toList();
  }

  static int inner(Question q) {
    int h = q.article() * 0x9E3779B1;
    return Math.floorMod(h ^ (h >>> 15), INNER);
  }

  static Booster fitTrees(List<TrainingExample> examples, List<float[]> xs, int f) {
    CompressorTraining.Settings s = CompressorTraining.Settings.defaults();
    int rows = TrainingExample.rows(examples);
    float[] x = new float[rows * f], y = new float[rows];
    int at = 0;
    for (int k = 0; k < examples.size(); k++) {
      TrainingExample e = examples.get(k);
      System.arraycopy(xs.get(k), 0, x, at * f, xs.get(k).length);
      for (int i = 0; i < e.rows(); i++) y[at + i] = e.positive()[i] ? 1 : 0;
      at += e.rows();
    }
    DMatrix m = null;
    try {
      m = new DMatrix(x, rows, f, Float.NaN);
      m.setLabel(y);
      // CompressorTraining.fit's parameters, with more columns.
      Map<String, Object> p = new HashMap<>();
      p.put("objective", "binary:logistic");
      p.put("eval_metric", "logloss");
      p.put("eta", s.eta());
      p.put("max_depth", s.maxDepth());
      p.put("min_child_weight", 5);
      p.put("subsample", 0.8);
      p.put("colsample_bytree", 0.8);
      p.put("seed", s.seed());
      p.put("nthread", 2);
      p.put("verbosity", 0);
      return XGBoost.train(m, p, s.rounds(), Map.of(), null, null);
    } catch (XGBoostError e) {
      throw new IllegalStateException(e);
    } finally {
      if (m != null) m.dispose();
    }
  }

  static double[] predict(Booster b, float[] x, int rows) {
    if (rows == 0) return new double[0];
    DMatrix m = null;
    try {
      m = new DMatrix(x, rows, x.length / rows, Float.NaN);
      float[][] p = b.predict(m);
      double[] out = new double[rows];
      for (int i = 0; i < rows; i++) out[i] = p[i][0];
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException(e);
    } finally {
      if (m != null) m.dispose();
    }
  }

  /** The training's choice on half 0 and its numbers on both halves, with top-k unit hits. */
  static void report(String name, List<TrainingExample> ex, List<double[]> oof, long start) {
    List<TrainingExample> h0 = PolicyChoice.fold(ex, 0), h1 = PolicyChoice.fold(ex, 1);
    List<double[]> o0 = new ArrayList<>(), o1 = new ArrayList<>();
    for (int i = 0; i < ex.size(); i++) (ex.get(i).fold() == 0 ? o0 : o1).add(oof.get(i));
    PolicyChoice.Choice c = PolicyChoice.chooseNormalised(h0, o0, line -> log(start, line));
    var m0 = PolicyChoice.measure(h0, PolicyChoice.normalise(o0, c.normalisation()), c.policy());
    var m1 = PolicyChoice.measure(h1, PolicyChoice.normalise(o1, c.normalisation()), c.policy());
    System.out.printf(
        Locale.ROOT, "== %s: chose %s, %s%n", name, c.normalisation().id(), c.policy());
    for (var e : List.of(Map.entry("half 0", m0), Map.entry("half 1", m1))) {
      var m = e.getValue();
      int half = e.getKey().equals("half 0") ? 0 : 1;
      System.out.printf(
          Locale.ROOT,
          "%s: recall %.4f (ratio %.3f) at rate %.4f, top5 %.4f, empty gold-in %.4f gold-out %.4f,"
              + " top-1 unit %.4f, top-2 %.4f%n",
          e.getKey(),
          m.get("answer_recall_compressed"),
          m.get("answer_recall_compressed") / m.get("answer_recall_top5"),
          m.get("compression_rate"),
          m.get("answer_recall_top5"),
          m.get("empty_rate_gold_retrieved"),
          m.get("empty_rate_gold_missed"),
          topUnits(half == 0 ? h0 : h1, half == 0 ? o0 : o1, 1),
          topUnits(half == 0 ? h0 : h1, half == 0 ? o0 : o1, 2));
    }
  }

  /** Share of the questions one of whose {@code k} best-scored units holds a gold answer. */
  static double topUnits(List<TrainingExample> ex, List<double[]> p, int k) {
    int hit = 0;
    for (int q = 0; q < ex.size(); q++) {
      double[] s = p.get(q);
      Integer[] order = new Integer[s.length];
      for (int i = 0; i < s.length; i++) order[i] = i;
      java.util.Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
      for (int i = 0; i < Math.min(k, s.length); i++) {
        if (ex.get(q).positive()[order[i]]) {
          hit++;
          break;
        }
      }
    }
    return (double) hit / ex.size();
  }

  private static void log(long start, String line) {
    System.err.printf("[%.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
  }
}
