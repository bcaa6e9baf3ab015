package dev.fathom.retrieval.embed;

import java.util.List;

/**
 * Turns text into unit-length vectors whose dot product is their cosine similarity. Implementations
 * are thread-safe.
 */
public interface Embedder extends AutoCloseable {

  /** Vector length. */
  int dimension();

  /** Embeds one text. */
  default float[] embed(String text) {
    return embedAll(List.of(text)).getFirst();
  }

  /** Embeds many texts; the result has the same order and size as the input. */
  List<float[]> embedAll(List<String> texts);

  /** Number of model tokens in {@code text}, special tokens excluded. */
  int countTokens(String text);

  @Override
  void close();
}
