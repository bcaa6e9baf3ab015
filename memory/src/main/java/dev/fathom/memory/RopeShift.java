package dev.fathom.memory;

/**
 * Moves RoPE-rotated keys to another position: rotary embeddings compose, {@code R(a)·R(b) =
 * R(a+b)} (Su et al., "RoFormer", §3.4.2), so a key cached at position {@code p} becomes the key at
 * {@code q} by one more rotation through {@code (q − p)·θ_j} per dimension pair. Needed when an
 * eviction policy compacts the cache and renumbers positions as StreamingLLM does (Xiao et al.
 * 2023, "Efficient Streaming Language Models with Attention Sinks", §3.2: positions within the
 * cache, not in the original text).
 */
public final class RopeShift implements KvCache.Repositioner, KvCache.HeadRepositioner {
  private final double[] theta;
  private final int kvHeads;
  private final int headSize;
  private final boolean adjacentPairs;

  /**
   * @param base RoPE θ base (10000 for Llama 2)
   * @param scale linear position scaling (1 = none)
   * @param kvHeads key heads per position
   * @param headSize dimensions per head (even)
   * @param adjacentPairs rotate (2j, 2j+1) as GGUF llama does, else (j, j + headSize/2)
   */
  public RopeShift(double base, double scale, int kvHeads, int headSize, boolean adjacentPairs) {
    if (base <= 1 || scale <= 0 || kvHeads < 1 || headSize < 2 || headSize % 2 != 0) {
      throw new IllegalArgumentException(
          "RopeShift needs base > 1, scale > 0, kvHeads ≥ 1 and an even headSize ≥ 2, got "
              + base
              + ", "
              + scale
              + ", "
              + kvHeads
              + ", "
              + headSize);
    }
    int half = headSize / 2;
    this.theta = new double[half];
    for (int j = 0; j < half; j++) {
      theta[j] = Math.pow(base, -2.0 * j / headSize) / scale;
    }
    this.kvHeads = kvHeads;
    this.headSize = headSize;
    this.adjacentPairs = adjacentPairs;
  }

  /** Rotates the one head's key at {@code offset} (per-head compaction, SnapKV). */
  @Override
  public void moveHead(float[] key, int offset, int fromPos, int toPos) {
    int half = headSize / 2;
    int delta = toPos - fromPos;
    for (int j = 0; j < half; j++) {
      double angle = delta * theta[j];
      float cos = (float) Math.cos(angle);
      float sin = (float) Math.sin(angle);
      int a = adjacentPairs ? offset + 2 * j : offset + j;
      int b = adjacentPairs ? a + 1 : a + half;
      float x = key[a];
      float y = key[b];
      key[a] = x * cos - y * sin;
      key[b] = x * sin + y * cos;
    }
  }

  @Override
  public void move(float[] key, int offset, int fromPos, int toPos) {
    int half = headSize / 2;
    int delta = toPos - fromPos;
    for (int j = 0; j < half; j++) {
      double angle = delta * theta[j];
      float cos = (float) Math.cos(angle);
      float sin = (float) Math.sin(angle);
      for (int h = 0; h < kvHeads; h++) {
        int base = offset + h * headSize;
        int a = adjacentPairs ? base + 2 * j : base + j;
        int b = adjacentPairs ? a + 1 : a + half;
        float x = key[a];
        float y = key[b];
        key[a] = x * cos - y * sin;
        key[b] = x * sin + y * cos;
      }
    }
  }
}
