package dev.fathom.compressors.recomp;

import java.util.List;

/**
 * Principal directions of a set of vectors by orthogonal (block power) iteration on their
 * covariance (Golub and Van Loan, §8.2.4): enough for a few dozen directions of 384-dimensional
 * MiniLM vectors, for {@link LearnedSimilarityHarness}'s cross terms. A harness helper, not
 * shipped.
 */
final class Pca {

  private Pca() {}

  /** The top {@code k} principal directions (rows, unit length) of {@code vectors}. */
  static float[][] top(List<float[]> vectors, int k, int dim) {
    double[] mean = new double[dim];
    for (float[] v : vectors) for (int d = 0; d < dim; d++) mean[d] += v[d];
    for (int d = 0; d < dim; d++) mean[d] /= vectors.size();
    double[][] cov = new double[dim][dim];
    double[] c = new double[dim];
    for (float[] v : vectors) {
      for (int d = 0; d < dim; d++) c[d] = v[d] - mean[d];
      for (int a = 0; a < dim; a++) {
        double ca = c[a];
        double[] row = cov[a];
        for (int b = a; b < dim; b++) row[b] += ca * c[b];
      }
    }
    for (int a = 0; a < dim; a++) for (int b = 0; b < a; b++) cov[a][b] = cov[b][a];
    java.util.Random random = new java.util.Random(7);
    double[][] q = new double[k][dim];
    for (double[] row : q) for (int d = 0; d < dim; d++) row[d] = random.nextGaussian();
    orthonormalise(q);
    for (int iter = 0; iter < 100; iter++) {
      double[][] next = new double[k][dim];
      for (int i = 0; i < k; i++) {
        for (int a = 0; a < dim; a++) {
          double s = 0;
          for (int b = 0; b < dim; b++) s += cov[a][b] * q[i][b];
          next[i][a] = s;
        }
      }
      orthonormalise(next);
      q = next;
    }
    float[][] out = new float[k][dim];
    for (int i = 0; i < k; i++) for (int d = 0; d < dim; d++) out[i][d] = (float) q[i][d];
    return out;
  }

  /** The first {@code k} coordinates of {@code v} in {@code basis}. */
  static float[] project(float[][] basis, float[] v, int k) {
    float[] p = new float[k];
    for (int i = 0; i < k; i++) {
      float s = 0;
      for (int d = 0; d < v.length; d++) s += basis[i][d] * v[d];
      p[i] = s;
    }
    return p;
  }

  /** Gram–Schmidt on the rows, in order, so that row i spans the top i+1 directions. */
  private static void orthonormalise(double[][] rows) {
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < i; j++) {
        double dot = 0;
        for (int d = 0; d < rows[i].length; d++) dot += rows[i][d] * rows[j][d];
        for (int d = 0; d < rows[i].length; d++) rows[i][d] -= dot * rows[j][d];
      }
      double norm = 0;
      for (double x : rows[i]) norm += x * x;
      norm = Math.sqrt(norm);
      for (int d = 0; d < rows[i].length; d++) rows[i][d] /= norm;
    }
  }
}
