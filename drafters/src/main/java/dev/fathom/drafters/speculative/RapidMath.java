package dev.fathom.drafters.speculative;

import java.util.random.RandomGenerator;

/** The distributions of RAPID's acceptance step, on dense probability vectors. */
final class RapidMath {
  private RapidMath() {}

  /**
   * RAPID's retrieval-augmented target (arXiv 2502.20330, eq. 6): {@code p̂ = softmax(z_p + η·m⊙(q
   * − p))} with {@code m = [q ≥ α·max q]}. Written over probabilities: {@code softmax(z_p + d) ∝ p
   * · exp(d)}, so tokens the target's filters removed ({@code p = 0}) stay impossible. Returns
   * {@code p} itself when {@code η = 0}, so the reduction to speculative sampling is exact.
   */
  static float[] augment(float[] p, float[] q, float eta, float alpha) {
    if (eta == 0f) {
      return p;
    }
    float maxQ = 0f;
    for (float v : q) {
      maxQ = Math.max(maxQ, v);
    }
    float cut = alpha * maxQ;
    double[] w = new double[p.length];
    double maxExp = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0f) {
        w[i] = q[i] >= cut ? eta * (q[i] - p[i]) : 0.0;
        maxExp = Math.max(maxExp, w[i]);
      }
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      w[i] = p[i] > 0f ? p[i] * Math.exp(w[i] - maxExp) : 0.0;
      sum += w[i];
    }
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (float) (w[i] / sum);
    }
    return out;
  }

  /** The distribution to sample after a rejection, or null when it is all zero. */
  static float[] residual(float[] p, float[] pHat, float[] q, ResidualRule rule) {
    float[] r = new float[p.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      float v =
          switch (rule) {
            case TEXTBOOK -> pHat[i] - q[i];
            case PAPER_CODE -> Math.max(p[i] - q[i], p[i] - pHat[i]);
          };
      r[i] = Math.max(0f, v);
      sum += r[i];
    }
    if (sum <= 0) {
      return null;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) (r[i] / sum);
    }
    return r;
  }

  /** Softmax of a logits row at temperature 1 (RAPID's greedy variant compares these). */
  static float[] softmax(float[] logits, int off, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, logits[off + i]);
    }
    double sum = 0;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) Math.exp(logits[off + i] - max);
      sum += out[i];
    }
    for (int i = 0; i < n; i++) {
      out[i] = (float) (out[i] / sum);
    }
    return out;
  }

  /** Draws an index from a distribution summing to 1 (the last non-zero one on rounding). */
  static int draw(float[] probs, RandomGenerator rng) {
    double u = rng.nextDouble();
    double acc = 0;
    int last = -1;
    for (int i = 0; i < probs.length; i++) {
      if (probs[i] > 0f) {
        acc += probs[i];
        last = i;
        if (u < acc) {
          return i;
        }
      }
    }
    if (last < 0) {
      throw new IllegalStateException("cannot sample from an all-zero distribution");
    }
    return last;
  }
}
