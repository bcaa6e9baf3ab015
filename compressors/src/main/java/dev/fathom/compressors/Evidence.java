package dev.fathom.compressors;

import dev.fathom.retrieval.Passage;
import java.util.List;
import java.util.Objects;

/**
 * What the compressor hands to the answer stage: the sentences worth reading, in reading order.
 * Empty when nothing in the retrieved passages is relevant enough (selective augmentation).
 *
 * <p>It also carries the retrieved passages in full: RAPID (Chen et al., arXiv 2502.20330) lets a
 * target model read that long context while a drafter reads the short one, the sentences.
 *
 * @param question the question the evidence was selected for
 * @param sentences kept sentences, ordered as they appear in their sources
 * @param tokens model tokens in the kept sentences
 * @param inputTokens model tokens in all passages the compressor was given
 * @param passages every retrieved passage, in rank order, each once (empty when the caller did not
 *     pass them on)
 */
public record Evidence(
    String question,
    List<EvidenceSentence> sentences,
    int tokens,
    int inputTokens,
    List<Passage> passages) {
  public Evidence {
    Objects.requireNonNull(question, "question");
    sentences = List.copyOf(sentences);
    passages = List.copyOf(passages);
    if (tokens < 0 || inputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got tokens=" + tokens + " inputTokens=" + inputTokens);
    }
  }

  /** Evidence without the retrieved passages (callers that do not speculate need none). */
  public Evidence(String question, List<EvidenceSentence> sentences, int tokens, int inputTokens) {
    this(question, sentences, tokens, inputTokens, List.of());
  }

  public static Evidence none(String question, int inputTokens) {
    return new Evidence(question, List.of(), 0, inputTokens);
  }

  /** A copy carrying {@code retrieved} as the long context. */
  public Evidence withPassages(List<Passage> retrieved) {
    return new Evidence(question, sentences, tokens, inputTokens, retrieved);
  }

  public boolean isEmpty() {
    return sentences.isEmpty();
  }
}
