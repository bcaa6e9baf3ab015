package dev.fathom.drafters.speculative;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@link SpeculationGate} learned about one target–drafter pair, kept across generations,
 * so that each short generation does not pay again for finding out that speculation does not pay.
 *
 * <p>Without it every generation starts the gate cold: {@link SpeculationGate#WARMUP} plain tokens,
 * then a single-token round, judged on its own. Where speculation cannot pay (on a CPU, a batched
 * verification of a small model costs about as much per position as a plain step), that one round
 * is the whole cost of the gate, and in a 64-token answer it was 3–10 % of the time. With a memory,
 * only the first generation of a pair pays it; later ones start where the last stopped and probe on
 * the gate's own schedule (Leviathan et al. 2023, §3.1, for the cost model it applies).
 *
 * <p>Entries are kept per {@link Key}: the settings (γ, η, α, residual rule: they change
 * acceptance), greedy or sampled decoding, and the target's context length at the start of the
 * generation in powers of two ({@link #contextBucket}). The bucket is what makes the memory
 * context-aware: a plain step and an extra verified position both grow with the target's context
 * while the short context of the drafter does not, so a request twice as long as those the pair was
 * judged on starts cold and probes, as it should where a long context is what makes speculation pay
 * (RAPID, Chen et al., arXiv 2502.20330). Inside a bucket the gate's own cost re-probe follows the
 * growth.
 *
 * <p>Thread-safe (concurrent generations each recall at their start and remember at their end; the
 * last to finish wins) and bounded to {@link #CAPACITY} entries, least recently used first out.
 */
public final class SpeculationMemory {
  static final int CAPACITY = 64;

  /** What the gate's experience is specific to. */
  record Key(RapidSettings settings, boolean greedy, int contextBucket) {}

  private final Map<Key, SpeculationGate.State> states =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, SpeculationGate.State> eldest) {
          return size() > CAPACITY;
        }
      };

  /** ⌊log2(tokens)⌋: contexts of 256–511 tokens share a bucket, 512–1023 the next. */
  static int contextBucket(int targetTokens) {
    return 31 - Integer.numberOfLeadingZeros(Math.max(1, targetTokens));
  }

  static Key key(RapidSettings settings, boolean greedy, int targetTokens) {
    return new Key(settings, greedy, contextBucket(targetTokens));
  }

  synchronized SpeculationGate.State recall(Key key) {
    return states.get(key);
  }

  /** Keeps {@code state} for {@code key}; a null state (nothing judged yet) changes nothing. */
  synchronized void remember(Key key, SpeculationGate.State state) {
    if (state != null) {
      states.put(key, state);
    }
  }

  /** Entries held (at most {@link #CAPACITY}). */
  public synchronized int size() {
    return states.size();
  }

  /** Forgets everything: the next generation of every setting starts cold. */
  public synchronized void clear() {
    states.clear();
  }
}
