package dev.fathom.compressors;

import java.util.List;
import java.util.Objects;

/**
 * What the compressor hands to the answer stage: the sentences worth reading, in reading order.
 * Empty when nothing in the retrieved passages is relevant enough (selective augmentation).
 *
 * @param question the question the evidence was selected for
 * @param sentences kept sentences, ordered as they appear in their sources
 * @param tokens model tokens in the kept sentences
 * @param inputTokens model tokens in all passages the compressor was given
 */
public record Evidence(
    String question, List<EvidenceSentence> sentences, int tokens, int inputTokens) {
  public Evidence {
    Objects.requireNonNull(question, "question");
    sentences = List.copyOf(sentences);
    if (tokens < 0 || inputTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0");
    }
  }

  public static Evidence none(String question, int inputTokens) {
    return new Evidence(question, List.of(), 0, inputTokens);
  }

  public boolean isEmpty() {
    return sentences.isEmpty();
  }
}
