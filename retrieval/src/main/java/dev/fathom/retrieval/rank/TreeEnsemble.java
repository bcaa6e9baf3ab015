package dev.fathom.retrieval.rank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The trees of a trained XGBoost {@code gbtree} model, read from its JSON file and evaluated in
 * Java: the fusion ranker's prediction per question without a native call. XGBoost trains the model
 * ({@link RankerTraining}); only its evaluation is here, and it is the textbook one (Chen and
 * Guestrin, KDD 2016, §2.1): a row's margin is {@code base_score} plus, for every tree, the leaf
 * its features reach, going left when {@code x[split_index] < split_condition} (or when the value
 * is missing and {@code default_left}). A leaf's value is its {@code split_conditions} entry.
 *
 * <p>Why not the booster: for 20–100 rows, building a {@code DMatrix} and crossing into native code
 * cost more than the trees themselves (about 0.6 ms of the ranker's ~2 ms of CPU per question on
 * the development machine, against well under 0.1 ms here; docs/ranking.md). {@code
 * FusionModelTest} checks that both give the same scores.
 */
final class TreeEnsemble {

  private final float base;
  private final int features;
  private final int[][] left;
  private final int[][] right;
  private final int[][] feature;
  private final float[][] condition;
  private final boolean[][] defaultLeft;

  private TreeEnsemble(
      float base,
      int features,
      int[][] left,
      int[][] right,
      int[][] feature,
      float[][] condition,
      boolean[][] defaultLeft) {
    this.base = base;
    this.features = features;
    this.left = left;
    this.right = right;
    this.feature = feature;
    this.condition = condition;
    this.defaultLeft = defaultLeft;
  }

  /**
   * The trees of the model at {@code file}; empty when it is not a single-output {@code gbtree}
   * model of numerical splits (a {@code gblinear} model, for one), which the booster then scores.
   */
  static Optional<TreeEnsemble> read(Path file) throws IOException {
    JsonNode learner = new ObjectMapper().readTree(file.toFile()).path("learner");
    JsonNode booster = learner.path("gradient_booster");
    JsonNode params = learner.path("learner_model_param");
    if (!"gbtree".equals(booster.path("name").asText())
        || params.path("num_target").asInt(1) != 1
        || params.path("num_class").asInt(0) > 1) {
      return Optional.empty();
    }
    JsonNode trees = booster.path("model").path("trees");
    int n = trees.size();
    int[][] left = new int[n][];
    int[][] right = new int[n][];
    int[][] feature = new int[n][];
    float[][] condition = new float[n][];
    boolean[][] defaultLeft = new boolean[n][];
    for (int t = 0; t < n; t++) {
      JsonNode tree = trees.get(t);
      if (tree.path("categories_nodes").size() > 0) return Optional.empty();
      left[t] = ints(tree.path("left_children"));
      right[t] = ints(tree.path("right_children"));
      feature[t] = ints(tree.path("split_indices"));
      int[] dl = ints(tree.path("default_left"));
      defaultLeft[t] = new boolean[dl.length];
      for (int i = 0; i < dl.length; i++) defaultLeft[t][i] = dl[i] != 0;
      JsonNode c = tree.path("split_conditions");
      condition[t] = new float[c.size()];
      for (int i = 0; i < c.size(); i++) condition[t][i] = (float) c.get(i).asDouble();
    }
    // XGBoost writes base_score as "[4.51E-9]" (a vector) since 2.1, as "4.51E-9" before.
    String b = params.path("base_score").asText("0").replace("[", "").replace("]", "");
    int f = params.path("num_feature").asInt();
    return Optional.of(
        new TreeEnsemble(Float.parseFloat(b), f, left, right, feature, condition, defaultLeft));
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
    return out;
  }

  /** Margins of {@code rows} rows of {@code x} (row-major, {@code features} per row). */
  double[] predict(float[] x, int rows, int columns) {
    if (columns != features) {
      throw new IllegalArgumentException(
          "the trees read " + features + " features per row, got " + columns);
    }
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      int o = r * columns;
      // Sum in float, as XGBoost accumulates leaf values.
      float sum = base;
      for (int t = 0; t < left.length; t++) {
        int[] l = left[t];
        int node = 0;
        while (l[node] != -1) {
          float v = x[o + feature[t][node]];
          boolean goLeft = Float.isNaN(v) ? defaultLeft[t][node] : v < condition[t][node];
          node = goLeft ? l[node] : right[t][node];
        }
        sum += condition[t][node];
      }
      out[r] = sum;
    }
    return out;
  }
}
