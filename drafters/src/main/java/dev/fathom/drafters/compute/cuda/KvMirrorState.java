package dev.fathom.drafters.compute.cuda;

/**
 * Which positions of a device mirror of a {@code KvCache} still equal the heap cache: plain
 * bookkeeping, unit-tested on the CPU ({@code KvMirrorStateTest}).
 *
 * <p>The heap cache stays the authority (forks, the prefix cache and eviction read and rewrite its
 * pages); the mirror holds positions {@code 0 .. synced-1} as they are there. A truncate moves the
 * end back, which the next store sees as {@code start < synced}; a rewrite of held positions
 * ({@code compact}, {@code adopt}) changes the cache's {@code rewrites()} counter and invalidates
 * the whole mirror. Before a forward pass stores positions {@code start ..}, the positions {@code
 * [from, start)} returned by {@link #beginStore} are uploaded from the heap (nothing in the usual
 * append-only decode; the shared prefix after a fork or an adopt).
 */
final class KvMirrorState {
  private int synced;
  private long rewrites;

  /** A mirror holding nothing yet, for a cache whose counter reads {@code rewrites}. */
  KvMirrorState(long rewrites) {
    this.rewrites = rewrites;
  }

  /**
   * The first position to upload before storing at {@code start} (equal to {@code start} when none
   * is missing); afterwards the mirror counts {@code 0 .. start-1} as valid.
   */
  int beginStore(long cacheRewrites, int start) {
    if (start < 0) {
      throw new IllegalArgumentException("start = " + start + ": must be ≥ 0");
    }
    if (cacheRewrites != rewrites) {
      rewrites = cacheRewrites;
      synced = 0;
    }
    int from = Math.min(synced, start);
    synced = start;
    return from;
  }

  /** The store of positions up to {@code end} (exclusive) reached every layer. */
  void stored(int end) {
    if (end < synced) {
      throw new IllegalArgumentException(
          "stored up to " + end + ", below the " + synced + " positions already valid");
    }
    synced = end;
  }

  /** Positions that equal the heap cache. */
  int synced() {
    return synced;
  }
}
