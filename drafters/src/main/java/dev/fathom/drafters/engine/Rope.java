package dev.fathom.drafters.engine;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.RotaryTable;

/**
 * Rotary position embedding tables: {@code cos} and {@code sin} of {@code pos · θ_j} for every
 * position up to the context limit and every pair {@code j < headSize/2}, with {@code θ_j =
 * base^(-2j/headSize) / factor_j} (RoFormer eq. 15; {@code factor_j} from Llama 3.1's {@code
 * rope_freqs} tensor when present) and positions divided by the linear scaling factor. The rotation
 * itself is the backend's ({@link ComputeBackend#rope}).
 */
final class Rope {
  private Rope() {}

  static RotaryTable table(
      ModelConfig config, int positions, float[] freqFactors, ComputeBackend backend) {
    int half = config.headSize() / 2;
    if (freqFactors != null && freqFactors.length != half) {
      throw new IllegalArgumentException(
          "rope_freqs has " + freqFactors.length + " factors, expected headSize/2 = " + half);
    }
    float[] cos = new float[positions * half];
    float[] sin = new float[positions * half];
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
    return new RotaryTable(
        backend.vector(cos), backend.vector(sin), half, config.ropeStyle() == RopeStyle.ADJACENT);
  }
}
