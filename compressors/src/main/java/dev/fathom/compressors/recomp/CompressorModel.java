package dev.fathom.compressors.recomp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A trained span scorer: XGBoost trees over {@link SpanFeatures} giving each clause span of the
 * candidate sentences its probability of holding the answer, plus the {@link SelectionPolicy} and
 * the {@link ClauseCutter} it was trained with. {@code fathom train compressor} writes it as
 * {@value #FILE} into the data directory; a model trained on squad-dev ships as the resource
 * {@value #RESOURCE} and serves when the data directory has none. The feature list, the cutter and
 * the policy are stored in the booster's attributes, so a model trained on other units or features
 * (the sentence models of earlier versions) is refused rather than silently misread. So is the
 * {@link QuestionNormalisation} its policy was chosen for (a model without one scores raw
 * probabilities).
 */
public final class CompressorModel implements AutoCloseable {

  /** File name of the model inside the data directory. */
  public static final String FILE = "compressor-recomp.ubj";

  /** Class-path location of the model that ships with Fathom. */
  public static final String RESOURCE = "/dev/fathom/compressors/recomp/compressor-recomp.ubj";

  private static final String FEATURES = "fathom.features";
  private static final String POLICY = "fathom.policy";
  private static final String UNITS = "fathom.units";
  private static final String SCORES = "fathom.scores";

  private final Booster booster;
  private final SelectionPolicy policy;
  private final ClauseCutter cutter;
  private final QuestionNormalisation normalisation;
  private final String origin;

  CompressorModel(
      Booster booster,
      SelectionPolicy policy,
      ClauseCutter cutter,
      QuestionNormalisation normalisation,
      String origin) {
    this.booster = Objects.requireNonNull(booster, "booster");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.cutter = Objects.requireNonNull(cutter, "cutter");
    this.normalisation = Objects.requireNonNull(normalisation, "normalisation");
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  /** Where the model lives in {@code dataDir}. */
  public static Path path(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /** The data directory's model when it has one, else the one that ships with Fathom. */
  public static CompressorModel load(Path dataDir) {
    Path file = path(dataDir);
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        return read(in, file.toAbsolutePath().toString());
      } catch (IOException e) {
        throw new IllegalArgumentException("unreadable compressor model " + file + ": " + e, e);
      }
    }
    return bundled();
  }

  /** The model that ships with Fathom (trained on squad-dev). */
  public static CompressorModel bundled() {
    try (InputStream in = CompressorModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the bundled compressor model " + RESOURCE + " is missing");
      }
      return read(in, "bundled " + RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable bundled compressor model: " + e, e);
    }
  }

  private static CompressorModel read(InputStream in, String origin) throws IOException {
    try {
      Booster b = XGBoost.loadModel(in);
      String features = b.getAttr(FEATURES);
      String expected = String.join(",", SpanFeatures.NAMES);
      ClauseCutter cutter = ClauseCutter.parse(b.getAttr(UNITS));
      if (cutter == null) {
        b.dispose();
        throw new IllegalArgumentException(
            "compressor model "
                + origin
                + " scores whole sentences (an earlier version of Fathom, features ["
                + features
                + "]); this version scores clause spans with features ["
                + expected
                + "]; retrain it with `fathom train compressor`");
      }
      if (!expected.equals(features)) {
        b.dispose();
        throw new IllegalArgumentException(
            "compressor model "
                + origin
                + " was trained on features ["
                + features
                + "], this version computes ["
                + expected
                + "]; retrain it with `fathom train compressor`");
      }
      SelectionPolicy policy = parse(b.getAttr(POLICY), origin);
      QuestionNormalisation normalisation = QuestionNormalisation.parse(b.getAttr(SCORES), origin);
      // One thread: a question's 50–150 spans are too few to share (see FusionModel).
      b.setParam("nthread", "1");
      return new CompressorModel(b, policy, cutter, normalisation, origin);
    } catch (XGBoostError e) {
      throw new IllegalArgumentException("unreadable compressor model " + origin + ": " + e, e);
    }
  }

  private static SelectionPolicy parse(String text, String origin) {
    String[] p = text == null ? new String[0] : text.split(",");
    if (p.length != 4) {
      throw new IllegalArgumentException(
          "compressor model " + origin + " has no selection policy (got " + text + ")");
    }
    return new SelectionPolicy(
        Double.parseDouble(p[0]),
        Double.parseDouble(p[1]),
        Integer.parseInt(p[2]),
        Integer.parseInt(p[3]));
  }

  /** The selection policy chosen with this model on dev data. */
  public SelectionPolicy policy() {
    return policy;
  }

  /** How the model cuts sentences into the spans it scores (the cutter it was trained with). */
  public ClauseCutter cutter() {
    return cutter;
  }

  /** How the probabilities of a question's units become the scores its policy spends. */
  public QuestionNormalisation normalisation() {
    return normalisation;
  }

  /** Where the model was read from (a path, or the bundled resource). */
  public String origin() {
    return origin;
  }

  /** Writes the model (features and policy in its attributes) to {@code file}; returns it. */
  Path save(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      booster.setAttrs(
          Map.of(
              FEATURES,
              String.join(",", SpanFeatures.NAMES),
              UNITS,
              cutter.id(),
              SCORES,
              normalisation.id(),
              POLICY,
              String.format(
                  Locale.ROOT,
                  "%s,%s,%d,%d",
                  policy.emptyBelow(),
                  policy.keepFrom(),
                  policy.budgetTokens(),
                  policy.maxSentences())));
      booster.saveModel(file.toString());
      return file;
    } catch (XGBoostError | IOException e) {
      throw new IllegalStateException("could not save compressor model to " + file + ": " + e, e);
    }
  }

  /**
   * The scores of one question's units for its {@link #policy()}: {@link #predict}'s probabilities
   * after the model's {@link QuestionNormalisation}.
   */
  public double[] scores(float[] features, int rows) {
    return normalisation.apply(predict(features, rows));
  }

  /** Probabilities for rows of features ({@code rows × SpanFeatures.count()}, row-major). */
  public double[] predict(float[] features, int rows) {
    if (rows == 0) return new double[0];
    int f = SpanFeatures.count();
    if (features.length != rows * f) {
      throw new IllegalArgumentException(
          "features must hold rows × " + f + " = " + rows * f + " values, got " + features.length);
    }
    DMatrix m = null;
    try {
      m = new DMatrix(features, rows, f, Float.NaN);
      float[][] p = booster.predict(m);
      double[] out = new double[rows];
      for (int i = 0; i < rows; i++) out[i] = p[i][0];
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException("compressor model prediction failed: " + e, e);
    } finally {
      if (m != null) m.dispose();
    }
  }

  @Override
  public void close() {
    booster.dispose();
  }
}
