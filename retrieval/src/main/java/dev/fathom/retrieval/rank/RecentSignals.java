package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.index.ScoredPassage;
import dev.fathom.retrieval.search.HybridRetriever;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Hands hybrid retrieval's BM25 and dense lists to the fusion ranker of the same question, so that
 * ranking costs only feature assembly and one prediction instead of two more index lookups (which
 * were most of fusion's latency, docs/ranking.md).
 *
 * <p>The question path carries hits between its stages as messages, and the lists stay behind in
 * the retriever; this memo bridges the two without changing the stages' protocol. The retriever
 * {@linkplain #searched remembers} each hybrid search's lists under its query; the ranker
 * {@linkplain #take takes} them back when the candidates it was given are exactly the hits that
 * search returned (same passage ids, same order) — anything else (a BM25-only search, candidates
 * cut or reordered in between, a memo entry evicted under load) finds nothing and the ranker asks
 * the index itself.
 *
 * <p>Bounded: at most {@code capacity} searches are remembered (oldest evicted first), each for at
 * most {@code ttlMillis}; a taken entry is removed. A search nobody ranks (most questions ask for
 * no ranker) is simply evicted.
 */
public final class RecentSignals implements HybridRetriever.ListsListener {

  private record Entry(List<String> ids, CandidateSignals signals, long atMillis) {}

  private final int capacity;
  private final long ttlMillis;
  private final LongSupplier clock;
  private final Map<String, List<Entry>> byQuery = new LinkedHashMap<>();
  private int size;

  /** 64 searches, 60 s: enough for the ranking stage's routees under any realistic backlog. */
  public RecentSignals() {
    this(64, 60_000, System::currentTimeMillis);
  }

  /**
   * @param capacity searches remembered at most, in [1, 100000]
   * @param ttlMillis how long one is kept, in [1, 86400000]
   * @param clock milliseconds now (a test's fake clock)
   */
  public RecentSignals(int capacity, long ttlMillis, LongSupplier clock) {
    if (capacity < 1 || capacity > 100_000) {
      throw new IllegalArgumentException("capacity must be in [1, 100000], got " + capacity);
    }
    if (ttlMillis < 1 || ttlMillis > 86_400_000) {
      throw new IllegalArgumentException("ttlMillis must be in [1, 86400000], got " + ttlMillis);
    }
    this.capacity = capacity;
    this.ttlMillis = ttlMillis;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void searched(
      String query, List<Hit> hits, List<ScoredPassage> bm25, List<ScoredPassage> dense) {
    searched(query, null, hits, bm25, dense);
  }

  @Override
  public synchronized void searched(
      String query,
      float[] vector,
      List<Hit> hits,
      List<ScoredPassage> bm25,
      List<ScoredPassage> dense) {
    long now = clock.getAsLong();
    expire(now);
    byQuery
        .computeIfAbsent(query, q -> new ArrayList<>(1))
        .add(new Entry(ids(hits), new CandidateSignals(bm25, dense, vector), now));
    size++;
    while (size > capacity) removeOldest();
  }

  /**
   * The lists of the remembered search for {@code query} that returned exactly {@code candidates},
   * removed from the memo; empty when there is none.
   */
  public synchronized Optional<CandidateSignals> take(String query, List<Hit> candidates) {
    expire(clock.getAsLong());
    List<Entry> entries = byQuery.get(query);
    if (entries == null) return Optional.empty();
    List<String> ids = ids(candidates);
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.ids().equals(ids)) {
        it.remove();
        size--;
        if (entries.isEmpty()) byQuery.remove(query);
        return Optional.of(e.signals());
      }
    }
    return Optional.empty();
  }

  /** Searches remembered now. */
  public synchronized int size() {
    return size;
  }

  private static List<String> ids(List<Hit> hits) {
    List<String> out = new ArrayList<>(hits.size());
    for (Hit h : hits) out.add(h.passage().id());
    return out;
  }

  /** Drops entries older than the time to live. */
  private void expire(long now) {
    while (size > 0 && now - oldest().atMillis() > ttlMillis) removeOldest();
  }

  /** Each query's entries are in time order, so the oldest overall heads one of the lists. */
  private Entry oldest() {
    Entry best = null;
    for (List<Entry> l : byQuery.values()) {
      Entry e = l.getFirst();
      if (best == null || e.atMillis() < best.atMillis()) best = e;
    }
    return best;
  }

  private void removeOldest() {
    Entry old = oldest();
    for (Iterator<Map.Entry<String, List<Entry>>> it = byQuery.entrySet().iterator();
        it.hasNext(); ) {
      List<Entry> l = it.next().getValue();
      if (l.getFirst() == old) {
        l.removeFirst();
        if (l.isEmpty()) it.remove();
        size--;
        return;
      }
    }
  }
}
