package dev.fathom.drafters.engine;

import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.RopeShift;
import dev.fathom.memory.SnapKvPolicy;

/**
 * A {@link Sequence} whose KV cache never holds more than {@code budget} positions: before a
 * forward pass that would overflow it, the {@link KvEvictionPolicy} picks what stays, the cache is
 * compacted and the kept keys are re-rotated to their new positions ({@link RopeShift}). New tokens
 * take the next position <em>within the cache</em>, as StreamingLLM specifies (Xiao et al. 2023,
 * §3.2), so relative distances stay within what the model was trained on however long the stream
 * grows. {@link #length()} is the cache's length, not the number of tokens seen.
 *
 * <p>Policies that select {@linkplain KvEvictionPolicy#perHead per head} (SnapKV) get the votes of
 * their observation window for each (layer, key/value head) and the cache compacts each head to its
 * own positions ({@code KvCache.compactHeads}). SnapKV's paper compresses once, at the end of
 * prefill, and lets decoding grow the cache; under a hard budget this sequence applies the same
 * selection at every eviction, the window always being the latest queries.
 *
 * <p>Models with Llama 3.1 {@code rope_freqs} factors are not supported yet: {@link RopeShift}
 * assumes plain RoFormer frequencies.
 */
public final class EvictingSequence implements Sequence {
  private final LlamaSequence seq;
  private final KvEvictionPolicy policy;
  private final int budget;
  private final RopeShift shift;
  private long evicted;
  private long seen;
  // Attention received per cache position, summed over layers, heads and queries (H2O's score).
  private double[] attention;
  // Which token of the stream each cache position holds (position-wide policies only).
  private int[] origin;
  private final AttentionRecorder recorder;
  private final WindowVotes votes;

  /**
   * @param seq an empty sequence of the model
   * @param budget most positions kept (more than the policy's sinks, at most the capacity)
   */
  public EvictingSequence(LlamaSequence seq, KvEvictionPolicy policy, int budget) {
    if (budget < policy.minBudget() || budget > seq.capacity()) {
      throw new IllegalArgumentException(
          "budget "
              + budget
              + " must be in "
              + policy.minBudget()
              + ".."
              + seq.capacity()
              + " for "
              + policy.name()
              + " within this context");
    }
    this.seq = seq;
    this.policy = policy;
    this.budget = budget;
    ModelConfig c = seq.config();
    this.shift =
        new RopeShift(
            c.ropeTheta(),
            c.ropeScale(),
            c.kvHeads(),
            c.headSize(),
            c.ropeStyle() == RopeStyle.ADJACENT);
    this.attention = new double[seq.capacity()];
    this.origin = new int[seq.capacity()];
    this.votes =
        policy instanceof SnapKvPolicy s ? new WindowVotes(c, s.window(), seq.capacity()) : null;
    this.recorder = votes != null ? votes : policy.needsAttention() ? new Accumulator() : null;
  }

  @Override
  public int length() {
    return seq.length();
  }

  @Override
  public int capacity() {
    return seq.capacity();
  }

  @Override
  public int vocabularySize() {
    return seq.vocabularySize();
  }

  /**
   * {@inheritDoc} A batch too long for the budget runs in slices of {@link #maxPass()} positions
   * when only the last logits are wanted.
   */
  @Override
  public float[] forward(int[] tokens, boolean allLogits) {
    int max = maxPass();
    if (tokens.length > max && !allLogits) {
      float[] logits = null;
      for (int i = 0; i < tokens.length; i += max) {
        logits =
            forward(
                java.util.Arrays.copyOfRange(tokens, i, Math.min(tokens.length, i + max)), false);
      }
      return logits;
    }
    if (tokens.length > max) {
      throw new IllegalArgumentException(
          tokens.length + " tokens in one pass leave no room in a budget of " + budget);
    }
    reserve(tokens.length);
    int at = seq.length();
    for (int i = 0; i < tokens.length; i++) {
      origin[at + i] = (int) Math.min(Integer.MAX_VALUE, seen + i);
    }
    if (votes != null) {
      votes.begin(seen, tokens.length);
    }
    seen += tokens.length;
    return seq.forward(tokens, allLogits, recorder);
  }

  private void evict(int length, int target) {
    int[] keep = policy.keep(length, target, attention, origin);
    evicted += length - keep.length;
    seq.cache().compact(keep, shift);
    double[] moved = new double[attention.length];
    int[] movedOrigin = new int[origin.length];
    for (int i = 0; i < keep.length; i++) {
      moved[i] = attention[keep[i]];
      movedOrigin[i] = origin[keep[i]];
    }
    attention = moved;
    origin = movedOrigin;
  }

  private void evictPerHead(int length, int target) {
    ModelConfig c = seq.config();
    int[][][] keep = new int[c.layers()][c.kvHeads()][];
    for (int l = 0; l < c.layers(); l++) {
      for (int h = 0; h < c.kvHeads(); h++) {
        keep[l][h] = policy.keep(length, target, votes.votes(l, h, length));
      }
    }
    evicted += length - keep[0][0].length;
    seq.cache().compactHeads(keep, c.headSize(), shift);
    for (int l = 0; l < c.layers(); l++) {
      for (int h = 0; h < c.kvHeads(); h++) {
        votes.compact(l, h, keep[l][h]);
      }
    }
  }

  /**
   * Evicts now, if needed, so that {@code n} more positions fit without another eviction: lets a
   * caller score several continuations of the same evicted context ({@link #truncate} back after
   * each).
   */
  public void reserve(int n) {
    if (n < 0 || n > maxPass()) {
      throw new IllegalArgumentException(
          "reserve " + n + " positions: must be 0.." + maxPass() + " within a budget of " + budget);
    }
    int length = seq.length();
    if (length + n > budget) {
      if (policy.perHead()) {
        evictPerHead(length, budget - n);
      } else {
        evict(length, budget - n);
      }
    }
  }

  @Override
  public void truncate(int length) {
    seen -= Math.max(0, seq.length() - length);
    seq.truncate(length);
  }

  /** Adds every query's attention weights to the positions they fall on. */
  private final class Accumulator implements AttentionRecorder {
    @Override
    public boolean wants(int index) {
      return true;
    }

    @Override
    public synchronized void record(int layer, int head, int index, float[] weights, int length) {
      for (int p = 0; p < length; p++) {
        attention[p] += weights[p];
      }
    }
  }

  /** Most positions one forward pass may add while the policy keeps its minimum. */
  public int maxPass() {
    return budget - policy.minBudget();
  }

  /** Positions evicted so far. */
  public long evicted() {
    return evicted;
  }
}
