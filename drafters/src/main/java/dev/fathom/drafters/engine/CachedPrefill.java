package dev.fathom.drafters.engine;

import dev.fathom.memory.PrefixCache;

/**
 * Prefill that skips what an earlier request already computed: the new sequence adopts the longest
 * run of cached KV pages its prompt starts with ({@link PrefixCache#reuse}), {@link Decoding}
 * prefills only the rest, and the prompt's own full pages are remembered for the next request. The
 * positions of the adopted pages are the same as in the request that computed them, so their RoPE
 * rotations are exactly what a fresh prefill would write.
 */
public final class CachedPrefill {
  private CachedPrefill() {}

  /**
   * What a cached prefill did; close it (or {@link #release}) when the sequence is done, so its
   * pages may be evicted again.
   *
   * @param logits of the prompt's last position
   * @param reused leading prompt positions taken from the cache
   * @param lease the cache pages this request holds
   */
  public record Result(float[] logits, int reused, PrefixCache.Lease lease)
      implements AutoCloseable {
    @Override
    public void close() {
      lease.close();
    }
  }

  /** Prefills {@code prompt} into the empty {@code seq}, reusing {@code cache}'s pages. */
  public static Result prefill(PrefixCache cache, LlamaSequence seq, int[] prompt) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("prefill needs at least one prompt token");
    }
    PrefixCache.Lease lease = cache.reuse(prompt, seq.cache());
    try {
      float[] logits = Decoding.prefill(seq, prompt, lease.reused(), prompt.length);
      cache.remember(prompt, prompt.length, seq.cache(), lease);
      return new Result(logits, lease.reused(), lease);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /**
   * At the end of a request: remembers the full pages of what {@code seq} holds ({@code tokens}:
   * prompt then generated tokens, so the next turn of a conversation finds its history), then
   * closes the lease and empties the sequence.
   */
  public static void release(PrefixCache cache, LlamaSequence seq, int[] tokens, Result result) {
    try {
      int held = Math.min(seq.length(), tokens.length);
      cache.remember(tokens, held, seq.cache(), result.lease());
    } finally {
      result.close();
      seq.truncate(0);
    }
  }

  /**
   * For callers that prefill themselves (RAPID's {@code SpeculativeDecoder}): the empty {@code seq}
   * adopts the longest run of cached pages {@code prompt} starts with (at most {@code prompt.length
   * − 1} positions) and nothing is computed; the caller prefills from {@code seq.length()} and
   * hands the lease back to {@link #release(PrefixCache, LlamaSequence, int[], int,
   * PrefixCache.Lease)}.
   */
  public static PrefixCache.Lease adopt(PrefixCache cache, LlamaSequence seq, int[] prompt) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("adopt needs at least one prompt token");
    }
    return cache.reuse(prompt, seq.cache());
  }

  /**
   * At the end of a request that {@link #adopt}ed: remembers the full pages of the first {@code
   * valid} positions of {@code seq} — those known to hold {@code tokens[0 .. valid)} — then closes
   * the lease and empties the sequence.
   */
  public static void release(
      PrefixCache cache, LlamaSequence seq, int[] tokens, int valid, PrefixCache.Lease lease) {
    try {
      int held = Math.min(Math.min(seq.length(), tokens.length), valid);
      cache.remember(tokens, held, seq.cache(), lease);
    } finally {
      lease.close();
      seq.truncate(0);
    }
  }
}
