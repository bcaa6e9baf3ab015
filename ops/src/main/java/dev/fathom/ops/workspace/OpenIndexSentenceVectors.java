package dev.fathom.ops.workspace;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.index.PassageIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sentence vectors stored at ingest in whichever of a workspace's open indexes holds each
 * passage: a question's scope picks its collection, and the compressor sees only the passages, so
 * each open index is asked for the ones not found yet (an index answers only for passages whose id
 * and text it holds).
 */
final class OpenIndexSentenceVectors implements SentenceVectorSource {

  private final Supplier<Collection<PassageIndex>> open;
  private final String model;
  private final int dimension;

  /**
   * @param open the indexes open now (asked per question: serve opens collections as it goes)
   * @param model the embedding model id the compressors use
   * @param dimension their vector length
   */
  OpenIndexSentenceVectors(Supplier<Collection<PassageIndex>> open, String model, int dimension) {
    this.open = open;
    this.model = model;
    this.dimension = dimension;
  }

  @Override
  public Map<String, SentenceVectors> find(List<Passage> passages) {
    Map<String, SentenceVectors> found = new HashMap<>();
    List<Passage> rest = passages;
    for (PassageIndex index : open.get()) {
      if (rest.isEmpty()) break;
      found.putAll(index.sentenceVectors(model, dimension).find(rest));
      List<Passage> next = new ArrayList<>(rest.size());
      for (Passage p : rest) if (!found.containsKey(p.id())) next.add(p);
      rest = next;
    }
    return found;
  }
}
