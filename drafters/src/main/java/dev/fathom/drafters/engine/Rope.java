package dev.fathom.drafters.engine;

/**
 * Rotary position embedding tables: {@code cos} and {@code sin} of {@code pos · θ_j} for every
 * position up to the context limit and every pair {@code j < headSize/2}, with {@code θ_j =
 * base^(-2j/headSize) / factor_j} (RoFormer eq. 15; {@code factor_j} from Llama 3.1's {@code
 * rope_freqs} tensor when present) and positions divided by the linear scaling factor.
 */
final class Rope {
  private final int half;
  private final RopeStyle style;
  private final float[] cos;
  private final float[] sin;

  Rope(ModelConfig config, int positions, float[] freqFactors) {
    this.half = config.headSize() / 2;
    this.style = config.ropeStyle();
    if (freqFactors != null && freqFactors.length != half) {
      throw new IllegalArgumentException(
          "rope_freqs has " + freqFactors.length + " factors, expected headSize/2 = " + half);
    }
    this.cos = new float[positions * half];
    this.sin = new float[positions * half];
    for (int j = 0; j < half; j++) {
      double theta = Math.pow(config.ropeTheta(), -2.0 * j / config.headSize());
      if (freqFactors != null) {
        theta /= freqFactors[j];
      }
      for (int p = 0; p < positions; p++) {
        double angle = p / (double) config.ropeScale() * theta;
        cos[p * half + j] = (float) Math.cos(angle);
        sin[p * half + j] = (float) Math.sin(angle);
      }
    }
  }

  /**
   * Rotates {@code heads} consecutive heads of {@code v} starting at {@code off} for {@code pos}.
   */
  void apply(float[] v, int off, int heads, int pos) {
    int t = pos * half;
    int headSize = 2 * half;
    for (int h = 0; h < heads; h++) {
      int base = off + h * headSize;
      for (int j = 0; j < half; j++) {
        int a = style == RopeStyle.ADJACENT ? base + 2 * j : base + j;
        int b = style == RopeStyle.ADJACENT ? a + 1 : a + half;
        float c = cos[t + j];
        float s = sin[t + j];
        float x0 = v[a];
        float x1 = v[b];
        v[a] = x0 * c - x1 * s;
        v[b] = x0 * s + x1 * c;
      }
    }
  }
}
