package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.index.ScoredPassage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What each retrieval list said about a question's candidates: BM25 and dense scores and ranks,
 * keyed by passage id. Hybrid retrieval computes these and throws them away after fusion; the
 * fusion ranker asks the index again (both lists cost well under a millisecond on a warm index).
 *
 * @param bm25 BM25 top {@code depth}, best first
 * @param dense dense kNN top {@code depth}, best first (cosine similarities)
 */
public record CandidateSignals(List<ScoredPassage> bm25, List<ScoredPassage> dense) {
  public CandidateSignals {
    bm25 = List.copyOf(Objects.requireNonNull(bm25, "bm25"));
    dense = List.copyOf(Objects.requireNonNull(dense, "dense"));
  }

  /** Score and 1-based rank of each passage in one list. */
  record Entry(float score, int rank) {}

  static Map<String, Entry> byId(List<ScoredPassage> list) {
    Map<String, Entry> out = new HashMap<>(list.size() * 2);
    for (int i = 0; i < list.size(); i++) {
      out.putIfAbsent(list.get(i).passage().id(), new Entry(list.get(i).score(), i + 1));
    }
    return out;
  }
}
