package dev.fathom.compressors;

import dev.fathom.retrieval.Passage;
import java.util.Objects;

/**
 * One sentence kept by the compressor.
 *
 * @param text the sentence
 * @param passage the passage it was cut from (its citation)
 * @param start offset of the sentence inside {@code passage.text()}
 * @param end end offset (exclusive) inside {@code passage.text()}
 * @param score relevance to the question (cosine similarity of the embeddings)
 */
public record EvidenceSentence(String text, Passage passage, int start, int end, float score) {
  public EvidenceSentence {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(passage, "passage");
  }
}
