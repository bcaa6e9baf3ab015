package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FusionModelTest {

  /** A tiny ranker over 50 groups of 4 where only feature 0 (bm25) says what is relevant. */
  static Booster tinyBooster() throws Exception {
    int f = FusionFeatures.count();
    int rows = 200;
    float[] x = new float[rows * f];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      x[i * f] = i % 4;
      y[i] = i % 4 == 3 ? 1 : 0;
    }
    DMatrix m = new DMatrix(x, rows, f, Float.NaN);
    m.setLabel(y);
    int[] groups = new int[rows / 4];
    java.util.Arrays.fill(groups, 4);
    m.setGroup(groups);
    Booster b =
        XGBoost.train(
            m,
            Map.of("objective", "rank:ndcg", "max_depth", 2, "nthread", 1),
            10,
            Map.of(),
            null,
            null);
    m.dispose();
    return b;
  }

  @Test
  void savesLoadsAndScoresWhatItLearned(@TempDir Path dir) throws Exception {
    new FusionModel(tinyBooster()).save(dir);
    assertTrue(FusionModel.exists(dir));
    try (FusionModel model = FusionModel.load(dir)) {
      float[] x = new float[2 * FusionFeatures.count()];
      x[0] = 3;
      x[FusionFeatures.count()] = 0;
      double[] s = model.predict(x, 2);
      assertTrue(s[0] > s[1], "the row like the relevant ones scores higher");
      assertEquals(0, model.predict(new float[0], 0).length);
      var e = assertThrows(IllegalArgumentException.class, () -> model.predict(new float[3], 1));
      assertTrue(e.getMessage().contains("got 3"));
    }
  }

  /**
   * The loaded model scores in Java ({@link TreeEnsemble}); over random rows (ties, zeros, values
   * on both sides of every split, missing values) it gives XGBoost's own scores.
   */
  @Test
  void javaTreesScoreAsXGBoostDoes(@TempDir Path dir) throws Exception {
    int f = FusionFeatures.count();
    java.util.Random r = new java.util.Random(7);
    int rows = 400;
    float[] x = new float[rows * f];
    float[] y = new float[rows];
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(5) == 0 ? 0 : r.nextFloat() * 4 - 1;
    for (int i = 0; i < rows; i++) y[i] = x[i * f] + x[i * f + 3] > 1.5 ? 1 : 0;
    DMatrix m = new DMatrix(x, rows, f, Float.NaN);
    m.setLabel(y);
    int[] groups = new int[rows / 20];
    java.util.Arrays.fill(groups, 20);
    m.setGroup(groups);
    Booster b =
        XGBoost.train(
            m,
            Map.of("objective", "rank:ndcg", "max_depth", 4, "nthread", 1, "eta", 0.1),
            50,
            Map.of(),
            null,
            null);
    m.dispose();
    new FusionModel(b).save(dir);
    b.dispose();
    try (FusionModel model = FusionModel.load(dir)) {
      assertTrue(model.evaluatesInJava());
      float[] test = new float[rows * f];
      for (int i = 0; i < test.length; i++) test[i] = r.nextFloat() * 4 - 1;
      test[5] = Float.NaN;
      double[] java = model.predict(test, rows);
      double[] native_ = model.predictWithBooster(test, rows);
      double largest = 0;
      for (double v : native_) largest = Math.max(largest, Math.abs(v));
      assertTrue(largest > 0, "the model learned something");
      for (int i = 0; i < rows; i++) {
        assertEquals(native_[i], java[i], 1e-5 * largest, "row " + i);
      }
    }
  }

  @Test
  void aMissingModelSaysHowToTrainOne(@TempDir Path dir) {
    assertFalse(FusionModel.exists(dir));
    var e = assertThrows(IllegalArgumentException.class, () -> FusionModel.load(dir));
    assertTrue(e.getMessage().contains("fathom train ranker"), e.getMessage());
  }

  @Test
  void aModelOfOtherFeaturesIsRefused(@TempDir Path dir) throws Exception {
    Booster b = tinyBooster();
    b.setAttrs(Map.of("fathom.features", "bm25,something_else"));
    b.saveModel(FusionModel.path(dir).toString());
    b.dispose();
    var e = assertThrows(IllegalArgumentException.class, () -> FusionModel.load(dir));
    assertTrue(e.getMessage().contains("retrain"), e.getMessage());
    Files.writeString(FusionModel.path(dir), "not a model");
    assertThrows(IllegalArgumentException.class, () -> FusionModel.load(dir));
  }

  @Test
  void aModelOfTheEarlier23FeaturesIsRefusedWithTheRetrainMessage(@TempDir Path dir)
      throws Exception {
    Booster b = tinyBooster();
    b.setAttrs(Map.of("fathom.features", String.join(",", FusionFeatures.ALL.subList(0, 23))));
    b.saveModel(FusionModel.path(dir).toString());
    b.dispose();
    var e = assertThrows(IllegalArgumentException.class, () -> FusionModel.load(dir));
    assertTrue(e.getMessage().contains("retrain it with `fathom train ranker`"), e.getMessage());
  }

  @Test
  void keepsHowManyCandidatesItReranks(@TempDir Path dir) throws Exception {
    new FusionModel(tinyBooster(), 30).save(dir);
    try (FusionModel model = FusionModel.load(dir)) {
      assertEquals(30, model.candidates());
    }
  }
}
