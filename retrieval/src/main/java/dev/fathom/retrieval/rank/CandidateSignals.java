package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.index.ScoredPassage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What each retrieval list said about a question's candidates: BM25 and dense scores and ranks,
 * keyed by passage id. Hybrid retrieval computes these for fusion; {@link RecentSignals} hands them
 * to the fusion ranker, which otherwise asks the index again.
 *
 * @param bm25 BM25 top {@code depth}, best first
 * @param dense dense kNN top {@code depth}, best first (cosine similarities)
 * @param query the question's vector the dense list was searched with (null: not known), for the
 *     sentence-level features
 */
public record CandidateSignals(List<ScoredPassage> bm25, List<ScoredPassage> dense, float[] query) {
  public CandidateSignals {
    bm25 = List.copyOf(Objects.requireNonNull(bm25, "bm25"));
    dense = List.copyOf(Objects.requireNonNull(dense, "dense"));
  }

  /** The two lists without the question's vector. */
  public CandidateSignals(List<ScoredPassage> bm25, List<ScoredPassage> dense) {
    this(bm25, dense, null);
  }

  /**
   * The first {@code depth} entries of each list: a search for more than the ranker's depth (a
   * question with a large k) gives the features the ranker was trained on.
   */
  public CandidateSignals truncate(int depth) {
    if (bm25.size() <= depth && dense.size() <= depth) return this;
    return new CandidateSignals(
        bm25.subList(0, Math.min(depth, bm25.size())),
        dense.subList(0, Math.min(depth, dense.size())),
        query);
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
