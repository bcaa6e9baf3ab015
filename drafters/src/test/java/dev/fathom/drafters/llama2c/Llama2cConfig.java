package dev.fathom.drafters.llama2c;

/**
 * The header of a llama2.c checkpoint ({@code Config} in karpathy/llama2.c {@code run.c}).
 *
 * @param dim transformer width
 * @param hiddenDim feed-forward width
 * @param layers number of blocks
 * @param heads query heads
 * @param kvHeads key/value heads (fewer than {@code heads} for grouped-query attention)
 * @param vocabSize vocabulary size
 * @param seqLen maximum sequence length
 * @param sharedClassifier true when the output matrix is the token embedding (the file stores a
 *     positive vocabulary size); false when a separate {@code wcls} follows (negative size)
 */
public record Llama2cConfig(
    int dim,
    int hiddenDim,
    int layers,
    int heads,
    int kvHeads,
    int vocabSize,
    int seqLen,
    boolean sharedClassifier) {

  public Llama2cConfig {
    positive("dim", dim);
    positive("hidden_dim", hiddenDim);
    positive("n_layers", layers);
    positive("n_heads", heads);
    positive("n_kv_heads", kvHeads);
    positive("vocab_size", vocabSize);
    positive("seq_len", seqLen);
    if (dim % heads != 0 || (dim / heads) % 2 != 0) {
      throw new IllegalArgumentException(
          "dim " + dim + " must split into " + heads + " heads of an even size");
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "n_heads " + heads + " must be a multiple of n_kv_heads " + kvHeads);
    }
  }

  private static void positive(String name, int v) {
    if (v <= 0 || v > (1 << 24)) {
      throw new IllegalArgumentException(name + " is " + v + "; legal: 1 to 16777216");
    }
  }

  public int headSize() {
    return dim / heads;
  }

  /** Width of the key and value vectors: {@code kvHeads * headSize}. */
  public int kvDim() {
    return dim * kvHeads / heads;
  }
}
