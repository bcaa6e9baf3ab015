package dev.fathom.compressors.recomp;

import dev.fathom.compressors.recomp.RecompRecording.Question;
import dev.fathom.compressors.recomp.RecompRecording.Recording;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The linear similarities of {@link LearnedSimilarityHarness} over a recording's frozen MiniLM
 * vectors: XGBoost's {@code gblinear} fitted per candidate sentence (a positive holds a gold
 * answer) over q⊙s, optionally |q−s|, cross terms of principal directions, or as a residual over
 * the cosine. A harness helper, not shipped.
 */
final class LinearSimilarity {

  static final int DIM = 384;

  /**
   * A linear similarity: its objective, whether |q−s| joins q⊙s, and how many principal directions
   * of the questions and of the sentences give cross terms p<sub>a</sub>(q)·p<sub>b</sub>(s) (a
   * low-rank bilinear similarity q<sup>T</sup>Ws, which can pair a kind of question with a kind of
   * sentence, such as "when" with dates, where the diagonal q⊙s only matches like with like).
   */
  record Variant(
      String objective, boolean absDiff, int cross, double lambda, int rounds, double prior) {
    int width() {
      return (absDiff ? 2 * DIM : DIM) + cross * cross;
    }
  }

  static final Map<String, Variant> VARIANTS =
      Map.of(
          "logistic",
          new Variant("binary:logistic", false, 0, 1, 200, 0),
          "pairwise",
          new Variant("rank:pairwise", false, 0, 1, 200, 0),
          "pairwise-abs",
          new Variant("rank:pairwise", true, 0, 1, 200, 0),
          "logistic-cross16",
          new Variant("binary:logistic", false, 16, 1, 200, 0),
          "pairwise-cross16",
          new Variant("rank:pairwise", false, 16, 1, 200, 0),
          "logistic-cross24",
          new Variant("binary:logistic", false, 24, 1, 200, 0),
          // Stronger L2 penalties (the summed Hessian of a half's rows is in the thousands).
          "logistic-cross16-l100",
          new Variant("binary:logistic", false, 16, 100, 200, 0),
          "logistic-cross16-l1000",
          new Variant("binary:logistic", false, 16, 1000, 200, 0),
          "logistic-l1000",
          new Variant("binary:logistic", false, 0, 1000, 200, 0),
          // A residual over the cosine: 10 × cosine is the base margin, so that the penalty pulls
          // the learned weights towards the cosine's ranking instead of towards no similarity.
          "residual-cross16-l100",
          new Variant("binary:logistic", false, 16, 100, 200, 10));

  /** Principal directions of the recorded question vectors and of the sentence vectors. */
  static float[][] questionBasis, sentenceBasis;

  /** A named variant, or {@code residual-crossK-lL}: the residual with K×K cross terms, L2 = L. */
  static Variant variant(String name) {
    if (VARIANTS.containsKey(name)) return VARIANTS.get(name);
    var m = java.util.regex.Pattern.compile("residual-cross(\\d+)-l([\\d.]+)").matcher(name);
    if (!m.matches()) throw new IllegalArgumentException("unknown variant " + name);
    return new Variant(
        "binary:logistic",
        false,
        Integer.parseInt(m.group(1)),
        Double.parseDouble(m.group(2)),
        200,
        10);
  }

  /** Per candidate sentence: does any of its units hold a gold answer. */
  static boolean[] sentenceLabels(Question q) {
    boolean[] y = new boolean[q.sentenceVector().length];
    TrainingExample e = q.example();
    for (int i = 0; i < e.rows(); i++) if (e.positive()[i]) y[e.sentence()[i]] = true;
    return y;
  }

  /** q⊙s (and |q−s|) scaled by the dimension, so that the cosine is their mean. */
  static void row(float[] qv, float[] sv, Variant v, float[] x, int at) {
    for (int d = 0; d < DIM; d++) x[at + d] = qv[d] * sv[d] * DIM;
    int c = at + DIM;
    if (v.absDiff()) {
      for (int d = 0; d < DIM; d++) x[c + d] = Math.abs(qv[d] - sv[d]) * 20;
      c += DIM;
    }
    if (v.cross() > 0) {
      float[] pq = Pca.project(questionBasis, qv, v.cross());
      float[] ps = Pca.project(sentenceBasis, sv, v.cross());
      for (int a = 0; a < v.cross(); a++) {
        for (int b = 0; b < v.cross(); b++) x[c + a * v.cross() + b] = pq[a] * ps[b] * 20;
      }
    }
  }

  static Booster fitLinear(Recording r, List<Question> qs, Variant v) {
    int w = v.width(), rows = 0;
    List<Integer> groups = new ArrayList<>();
    for (Question q : qs) {
      if (q.sentenceVector().length == 0) continue;
      rows += q.sentenceVector().length;
      groups.add(q.sentenceVector().length);
    }
    float[] x = new float[rows * w], y = new float[rows];
    int at = 0;
    for (Question q : qs) {
      boolean[] label = sentenceLabels(q);
      for (int j = 0; j < label.length; j++, at++) {
        row(q.question(), r.vectors().get(q.sentenceVector()[j]), v, x, at * w);
        y[at] = label[j] ? 1 : 0;
      }
    }
    DMatrix m = null;
    try {
      m = new DMatrix(x, rows, w, Float.NaN);
      m.setLabel(y);
      if (v.prior() > 0) {
        float[] margin = new float[rows];
        int k = 0;
        for (Question q : qs) for (double c : cosines(r, q)) margin[k++] = (float) (v.prior() * c);
        m.setBaseMargin(margin);
      }
      if (v.objective().startsWith("rank:")) {
        m.setGroup(groups.stream().mapToInt(Integer::intValue).toArray());
      }
      Map<String, Object> p = new HashMap<>();
      p.put("booster", "gblinear");
      p.put("objective", v.objective());
      p.put("lambda", v.lambda());
      p.put("eta", 0.3);
      p.put("base_score", 0.5);
      p.put("nthread", 2);
      p.put("verbosity", 0);
      return XGBoost.train(m, p, v.rounds(), Map.of(), null, null);
    } catch (XGBoostError e) {
      throw new IllegalStateException(e);
    } finally {
      if (m != null) m.dispose();
    }
  }

  /** The linear similarity (margin) of each of the question's sentences. */
  static double[] score(Recording r, Booster b, Question q, Variant v) {
    int n = q.sentenceVector().length;
    if (n == 0) return new double[0];
    float[] x = new float[n * v.width()];
    for (int j = 0; j < n; j++) {
      row(q.question(), r.vectors().get(q.sentenceVector()[j]), v, x, j * v.width());
    }
    DMatrix m = null;
    try {
      m = new DMatrix(x, n, v.width(), Float.NaN);
      float[][] p = b.predict(m, true);
      double[] out = new double[n];
      double[] cos = v.prior() > 0 ? cosines(r, q) : new double[n];
      for (int j = 0; j < n; j++) out[j] = p[j][0] + v.prior() * cos[j];
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException(e);
    } finally {
      if (m != null) m.dispose();
    }
  }

  static double[] cosines(Recording r, Question q) {
    double[] c = new double[q.sentenceVector().length];
    for (int j = 0; j < c.length; j++) {
      float[] s = r.vectors().get(q.sentenceVector()[j]);
      for (int d = 0; d < DIM; d++) c[j] += q.question()[d] * s[d];
    }
    return c;
  }

  /** Share of the questions whose best-scored sentence holds a gold answer. */
  static double topSentence(
      Recording r, List<Question> qs, java.util.function.Function<Question, double[]> scorer) {
    int hit = 0;
    for (Question q : qs) {
      double[] s = scorer.apply(q);
      if (s.length == 0) continue;
      int best = 0;
      for (int j = 1; j < s.length; j++) if (s[j] > s[best]) best = j;
      if (sentenceLabels(q)[best]) hit++;
    }
    return (double) hit / qs.size();
  }

  private LinearSimilarity() {}
}
