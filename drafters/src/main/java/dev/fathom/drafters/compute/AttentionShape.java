package dev.fathom.drafters.compute;

/**
 * The head layout of grouped-query attention (Ainslie et al. 2023): {@code heads} query heads of
 * {@code headSize} floats share {@code kvHeads} key/value heads, query head {@code h} reading
 * key/value head {@code h / (heads / kvHeads)}.
 */
public record AttentionShape(int heads, int kvHeads, int headSize) {
  public AttentionShape {
    if (heads < 1 || kvHeads < 1 || headSize < 1) {
      throw new IllegalArgumentException(
          "attention needs heads, kvHeads and headSize ≥ 1, got "
              + heads
              + ", "
              + kvHeads
              + ", "
              + headSize);
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
    }
  }

  public int queryDim() {
    return heads * headSize;
  }

  public int kvDim() {
    return kvHeads * headSize;
  }
}
