package dev.fathom.memory;

/**
 * The moves behind {@link KvCache#compact} and {@link KvCache#compactHeads}: what a KV eviction
 * policy does to a full cache, kept apart from the cache's paging (append, truncate, fork, adopt).
 * Kept positions move down in place, each key turned to its new position by the caller's
 * repositioner (RoPE, see {@link RopeShift}).
 */
final class KvCompaction {
  private KvCompaction() {}

  static void compact(KvCache cache, int[] keep, KvCache.Repositioner repositioner) {
    int layers = cache.layers();
    int kvDim = cache.kvDim();
    int pageSize = cache.pageSize();
    checkAscending(keep, cache.length());
    cache.copyShared((keep.length + pageSize - 1) / pageSize);
    // Ascending keep[i] ≥ i: a destination is never a source still to be read.
    for (int i = 0; i < keep.length; i++) {
      for (int l = 0; l < layers; l++) {
        int from = keep[i];
        if (from != i) {
          System.arraycopy(
              cache.keys(l, from), cache.offset(from), cache.keys(l, i), cache.offset(i), kvDim);
          System.arraycopy(
              cache.values(l, from),
              cache.offset(from),
              cache.values(l, i),
              cache.offset(i),
              kvDim);
        }
        if (repositioner != null && from != i) {
          repositioner.move(cache.keys(l, i), cache.offset(i), from, i);
        }
      }
    }
    cache.truncate(keep.length);
    cache.rewritten();
  }

  static void compactHeads(
      KvCache cache, int[][][] keep, int headSize, KvCache.HeadRepositioner repositioner) {
    int layers = cache.layers();
    int kvDim = cache.kvDim();
    int pageSize = cache.pageSize();
    int heads = kvDim / headSize;
    if (headSize < 1 || kvDim % headSize != 0 || keep.length != layers) {
      throw new IllegalArgumentException(
          "compactHeads needs one list per layer ("
              + layers
              + ") and a headSize dividing "
              + kvDim
              + ", got "
              + keep.length
              + " and "
              + headSize);
    }
    int n = keep[0].length == heads ? keep[0][0].length : -1;
    for (int[][] layer : keep) {
      if (layer.length != heads) {
        throw new IllegalArgumentException(
            "compactHeads needs one list per key/value head (" + heads + "), got " + layer.length);
      }
      for (int[] list : layer) {
        if (list.length != n) {
          throw new IllegalArgumentException(
              "every head must keep the same number of positions, got "
                  + list.length
                  + " and "
                  + n);
        }
        checkAscending(list, cache.length());
      }
    }
    cache.copyShared((n + pageSize - 1) / pageSize);
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        int head = h * headSize;
        int[] list = keep[l][h];
        // Ascending list[i] ≥ i: a destination is never a source still to be read.
        for (int i = 0; i < n; i++) {
          int from = list[i];
          if (from != i) {
            System.arraycopy(
                cache.keys(l, from),
                cache.offset(from) + head,
                cache.keys(l, i),
                cache.offset(i) + head,
                headSize);
            System.arraycopy(
                cache.values(l, from),
                cache.offset(from) + head,
                cache.values(l, i),
                cache.offset(i) + head,
                headSize);
            if (repositioner != null) {
              repositioner.moveHead(cache.keys(l, i), cache.offset(i) + head, from, i);
            }
          }
        }
      }
    }
    cache.truncate(n);
    // Positions below the new length changed in place: a device mirror of the cache must re-upload.
    cache.rewritten();
  }

  /** Throws unless {@code keep} ascends strictly within {@code 0 .. length-1}. */
  private static void checkAscending(int[] keep, int length) {
    for (int i = 0; i < keep.length; i++) {
      if (keep[i] < 0 || keep[i] >= length || (i > 0 && keep[i] <= keep[i - 1])) {
        throw new IllegalArgumentException(
            "positions to keep must ascend strictly within 0.."
                + (length - 1)
                + ", got "
                + keep[i]
                + " at index "
                + i);
      }
    }
  }
}
