package dev.fathom.drafters.engine;

/**
 * One token sequence being decoded by a model: its KV cache and the tokens in it. Speculative
 * decoding drives two of these (drafter and target) and cuts them back after rejections.
 */
public interface Sequence {
  /** Tokens processed so far (the KV cache length). */
  int length();

  /** Positions this sequence may hold. */
  int capacity();

  int vocabularySize();

  /**
   * Appends {@code tokens} and returns logits: for every appended position ({@code tokens.length ×
   * vocab}, row-major) when {@code allLogits}, else for the last one only.
   */
  float[] forward(int[] tokens, boolean allLogits);

  /** Drops every position from {@code length} on. */
  void truncate(int length);
}
