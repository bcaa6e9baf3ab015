package dev.fathom.retrieval.rank;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A trained fusion model: an XGBoost booster (LambdaMART trees) over {@link FusionFeatures}, kept
 * as {@value #FILE} in the data directory. The feature list is stored in the model's attributes so
 * a model trained on other features is refused rather than silently misread.
 */
public final class FusionModel implements AutoCloseable {

  /** File name of the model inside the data directory. */
  public static final String FILE = "ranker-fusion.json";

  private static final String FEATURES = "fathom.features";

  /** How many of hybrid's candidates the model was trained to rerank. */
  private static final String CANDIDATES = "fathom.candidates";

  private final int candidates;

  private final Booster booster;

  /** The same trees evaluated in Java (null: the booster scores, as for a linear model). */
  private final TreeEnsemble trees;

  FusionModel(Booster booster) {
    this(booster, 100);
  }

  /** A model trained to rerank the top {@code candidates} of hybrid's list. */
  FusionModel(Booster booster, int candidates) {
    this(booster, null, candidates);
  }

  private FusionModel(Booster booster, TreeEnsemble trees, int candidates) {
    this.booster = Objects.requireNonNull(booster, "booster");
    this.trees = trees;
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be at least 1, got " + candidates);
    }
    this.candidates = candidates;
  }

  /**
   * How many of the retrieval order's candidates this model reranks (those below keep their order):
   * the depth it was trained at, since the features of a list depend on its length.
   */
  public int candidates() {
    return candidates;
  }

  /** Where the model lives in {@code dataDir}. */
  public static Path path(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /** Whether {@code dataDir} holds a trained model. */
  public static boolean exists(Path dataDir) {
    return Files.isRegularFile(path(dataDir));
  }

  /**
   * Loads the model of {@code dataDir}.
   *
   * @throws IllegalArgumentException when there is none (the message says how to train one) or it
   *     was trained on another feature list
   */
  public static FusionModel load(Path dataDir) {
    Path file = path(dataDir);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no fusion ranker model at "
              + file.toAbsolutePath()
              + "; train one with `fathom train ranker --dataset DIR`");
    }
    try {
      Booster b = XGBoost.loadModel(file.toString());
      String features = b.getAttr(FEATURES);
      String expected = String.join(",", FusionFeatures.NAMES);
      if (!expected.equals(features)) {
        b.dispose();
        throw new IllegalArgumentException(
            "fusion model "
                + file
                + " was trained on features ["
                + features
                + "], this version computes ["
                + expected
                + "]; retrain it with `fathom train ranker`");
      }
      // One thread: a question's 20–100 rows are too few to share, and OpenMP's thread start-up
      // and spinning cost more than the prediction (13 ms instead of well under 1 on a busy box).
      b.setParam("nthread", "1");
      String depth = b.getAttr(CANDIDATES);
      int n = depth == null ? 100 : Integer.parseInt(depth);
      return new FusionModel(b, TreeEnsemble.read(file).orElse(null), n);
    } catch (XGBoostError | java.io.IOException | NumberFormatException e) {
      throw new IllegalArgumentException("unreadable fusion model " + file + ": " + e, e);
    }
  }

  /** Writes the model (with its feature list) into {@code dataDir}; returns the file. */
  Path save(Path dataDir) {
    Path file = path(dataDir);
    try {
      Files.createDirectories(dataDir);
      booster.setAttrs(
          Map.of(
              FEATURES,
              String.join(",", FusionFeatures.NAMES),
              CANDIDATES,
              Integer.toString(candidates)));
      booster.saveModel(file.toString());
      return file;
    } catch (XGBoostError | java.io.IOException e) {
      throw new IllegalStateException("could not save fusion model to " + file + ": " + e, e);
    }
  }

  /**
   * Scores rows of features ({@code rows × FusionFeatures.count()}, row-major): in Java when the
   * model's trees were read ({@link TreeEnsemble}, a loaded tree model), else by the booster.
   */
  public double[] predict(float[] features, int rows) {
    check(features, rows);
    if (rows == 0) return new double[0];
    return trees != null
        ? trees.predict(features, rows, FusionFeatures.count())
        : predictWithBooster(features, rows);
  }

  /** Whether {@link #predict} evaluates the trees in Java. */
  boolean evaluatesInJava() {
    return trees != null;
  }

  private static void check(float[] features, int rows) {
    if (rows != 0 && features.length != rows * FusionFeatures.count()) {
      throw new IllegalArgumentException(
          "features must hold rows × "
              + FusionFeatures.count()
              + " = "
              + rows * FusionFeatures.count()
              + " values, got "
              + features.length);
    }
  }

  /** XGBoost's own prediction (what {@link TreeEnsemble} must reproduce). */
  double[] predictWithBooster(float[] features, int rows) {
    check(features, rows);
    if (rows == 0) return new double[0];
    DMatrix m = null;
    try {
      m = new DMatrix(features, rows, FusionFeatures.count(), Float.NaN);
      float[][] p = booster.predict(m);
      double[] out = new double[rows];
      for (int i = 0; i < rows; i++) out[i] = p[i][0];
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException("fusion model prediction failed: " + e, e);
    } finally {
      if (m != null) m.dispose();
    }
  }

  @Override
  public void close() {
    booster.dispose();
  }
}
