package dev.fathom.retrieval.embed;

import dev.fathom.retrieval.Passage;
import java.util.List;
import java.util.Map;

/**
 * Where a compressor finds the sentence vectors stored with passages at ingest ({@link
 * SentenceVectors}); a passage without usable stored vectors (indexed before they were stored, by
 * another model or sentence cutting, or on a backend that does not keep them) is simply absent, and
 * the compressor embeds its sentences itself.
 */
@FunctionalInterface
public interface SentenceVectorSource {

  /** No stored vectors: every sentence is embedded when a question needs it. */
  SentenceVectorSource NONE = passages -> Map.of();

  /**
   * The usable stored vectors of those of {@code passages} that have them, by passage id. Vectors
   * are returned only for a passage whose stored text is {@code passage.text()}.
   */
  Map<String, SentenceVectors> find(List<Passage> passages);
}
