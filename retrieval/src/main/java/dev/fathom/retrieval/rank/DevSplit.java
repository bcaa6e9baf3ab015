package dev.fathom.retrieval.rank;

/**
 * A fixed half/half split of a dev set's queries by id, so that a ranker trained on one half is
 * reported on the other (and the numbers stay honest). The split depends on the id alone — not on
 * file order or a random seed — so training and evaluation agree without sharing state.
 */
public final class DevSplit {
  private DevSplit() {}

  /** Whether the query with this id is in the held-out (evaluation) half. */
  public static boolean heldOut(String queryId) {
    return (mix(queryId) & 1) == 1;
  }

  /**
   * The query's fold (0 or 1) for choosing settings by cross-validation inside the training half,
   * independent of {@link #heldOut} (another bit of the same hash).
   */
  public static int fold(String queryId) {
    return (mix(queryId) >>> 1) & 1;
  }

  /** The query's fold among {@code k} for k-fold cross-validation over all of a dev set. */
  public static int fold(String queryId, int k) {
    if (k < 2 || k > 100) throw new IllegalArgumentException("k must be in [2, 100], got " + k);
    return Math.floorMod(mix(queryId) >>> 2, k);
  }

  private static int mix(String queryId) {
    // String.hashCode is specified by the JLS, so this is stable across JVMs; the mix (the
    // murmur3 finaliser) spreads ids that differ only in their last character.
    int h = queryId.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** Whether the query with this id is in the training half. */
  public static boolean training(String queryId) {
    return !heldOut(queryId);
  }
}
