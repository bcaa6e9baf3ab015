package dev.fathom.drafters.compute;

/**
 * Rotary position embedding tables (RoFormer, Su et al. 2021, eq. 34) in a backend: {@code cos} and
 * {@code sin} of {@code pos · θ_j} at {@code [pos * half + j]} for every position and pair {@code j
 * < half}. {@code adjacentPairs} rotates elements {@code (2j, 2j+1)} of a head (Llama's GGUF
 * layout); otherwise {@code (j, j + half)} (NeoX/Qwen2).
 */
public record RotaryTable(WeightVector cos, WeightVector sin, int half, boolean adjacentPairs) {
  public RotaryTable {
    if (half < 1 || cos.size() != sin.size() || cos.size() % half != 0) {
      throw new IllegalArgumentException(
          "rotary tables of "
              + cos.size()
              + " and "
              + sin.size()
              + " floats do not hold whole positions of half = "
              + half);
    }
  }

  /** Positions the tables cover. */
  public int positions() {
    return cos.size() / half;
  }
}
