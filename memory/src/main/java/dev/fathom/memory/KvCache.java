package dev.fathom.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * The key/value cache of one sequence: for every layer, the key and value vectors of every position
 * processed so far.
 *
 * <p>Storage is paged: positions are grouped in pages of {@link #pageSize()} positions, each page a
 * {@code float[pageSize * kvDim]} per layer for keys and one for values. Pages make the three
 * operations speculative decoding and shared prompts need cheap:
 *
 * <ul>
 *   <li><b>append</b> — the forward pass writes positions {@code length() .. length()+n-1} through
 *       {@link #prepareAppend(int)} and then {@link #commit(int)};
 *   <li><b>truncate(n)</b> — drops rejected draft positions by moving the length back; pages past
 *       the new end are released;
 *   <li><b>fork</b> — a second sequence that shares every page of the prefix by reference. Shared
 *       pages are copied on the first write (copy-on-write), so neither sequence sees the other's
 *       later positions.
 * </ul>
 *
 * <p>Not thread-safe for writes: one forward pass at a time per cache. Concurrent reads during a
 * forward pass (attention heads on several threads) are fine.
 */
public final class KvCache {
  public static final int DEFAULT_PAGE_SIZE = 64;

  private final int layers;
  private final int kvDim;
  private final int capacity;
  private final int pageSize;
  private final List<KvPage> pages;
  private int length;
  private long rewrites; // bumped when positions below length change other than by append

  /**
   * @param layers transformer layers (≥ 1)
   * @param kvDim floats per position per layer for keys (and for values): kv heads × head size
   * @param capacity most positions the cache may hold (the model's context length)
   * @param pageSize positions per page
   */
  public KvCache(int layers, int kvDim, int capacity, int pageSize) {
    if (layers < 1 || kvDim < 1 || capacity < 1 || pageSize < 1) {
      throw new IllegalArgumentException(
          "KvCache needs layers, kvDim, capacity and pageSize ≥ 1, got "
              + layers
              + ", "
              + kvDim
              + ", "
              + capacity
              + ", "
              + pageSize);
    }
    this.layers = layers;
    this.kvDim = kvDim;
    this.capacity = capacity;
    this.pageSize = pageSize;
    this.pages = new ArrayList<>();
  }

  public KvCache(int layers, int kvDim, int capacity) {
    this(layers, kvDim, capacity, DEFAULT_PAGE_SIZE);
  }

  private KvCache(KvCache parent) {
    this.layers = parent.layers;
    this.kvDim = parent.kvDim;
    this.capacity = parent.capacity;
    this.pageSize = parent.pageSize;
    this.pages = new ArrayList<>(parent.pages);
    this.length = parent.length;
    this.rewrites = parent.rewrites;
    for (KvPage p : pages) {
      p.refs.incrementAndGet();
    }
  }

  /** Positions held. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  public int layers() {
    return layers;
  }

  public int kvDim() {
    return kvDim;
  }

  public int pageSize() {
    return pageSize;
  }

  /**
   * A counter that changes whenever positions already held change other than by appending after a
   * {@link #truncate} ({@link #compact}, {@link #adopt}). A copy of the cache kept elsewhere (a
   * device backend's mirror in device memory) stays valid for the positions below {@link #length()}
   * while this counter is what it was.
   */
  public long rewrites() {
    return rewrites;
  }

  /**
   * Makes positions {@code length() .. length()+n-1} writable: allocates missing pages and copies
   * pages still shared with a fork. Call before the forward pass writes them.
   */
  public void prepareAppend(int n) {
    if (n < 0 || length + n > capacity) {
      throw new IllegalStateException(
          "cannot append "
              + n
              + " positions to a cache holding "
              + length
              + " of "
              + capacity
              + " (the model's context is full)");
    }
    int firstPage = length / pageSize;
    int lastPage = (length + n - 1) / pageSize;
    for (int p = firstPage; p <= lastPage && n > 0; p++) {
      if (p == pages.size()) {
        pages.add(new KvPage(layers, pageSize * kvDim));
      } else if (pages.get(p).refs.get() > 1) {
        KvPage shared = pages.get(p);
        shared.refs.decrementAndGet();
        pages.set(p, shared.copy());
      }
    }
  }

  /** Records that {@code n} positions prepared by {@link #prepareAppend} now hold data. */
  public void commit(int n) {
    if (n < 0 || (length + n + pageSize - 1) / pageSize > pages.size()) {
      throw new IllegalStateException("commit(" + n + ") without prepareAppend at " + length);
    }
    length += n;
  }

  /** Drops every position from {@code n} on (rejected draft tokens). */
  public void truncate(int n) {
    if (n < 0 || n > length) {
      throw new IllegalArgumentException(
          "truncate to " + n + " positions: must be 0.." + length + " (the current length)");
    }
    length = n;
    int keep = (n + pageSize - 1) / pageSize;
    while (pages.size() > keep) {
      pages.remove(pages.size() - 1).refs.decrementAndGet();
    }
  }

  /**
   * Keeps only the positions {@code keep} (strictly ascending, each below {@link #length()}), moved
   * down to {@code 0 .. keep.length-1}: what a KV eviction policy does to a full cache. The keys
   * keep the RoPE rotation of their old position; {@code repositioner} (or null to leave them)
   * turns each key from its old position to its new one.
   */
  public void compact(int[] keep, Repositioner repositioner) {
    KvCompaction.compact(this, keep, repositioner);
  }

  /**
   * Per-head {@link #compact}: key/value head {@code h} of layer {@code l} keeps the positions
   * {@code keep[l][h]} (strictly ascending, every list of the same length {@code n}), moved down to
   * {@code 0 .. n-1}. What SnapKV's per-head selection does (Li et al. 2024, §4): after it, cache
   * position {@code i} holds different tokens in different heads, which attention does not mind —
   * it reads each head's keys and values at positions {@code 0 .. length-1}, and each key carries
   * its position in its RoPE rotation, turned by {@code repositioner} to its new one.
   *
   * @param headSize floats of one head's key (kvDim = key/value heads × headSize)
   */
  public void compactHeads(int[][][] keep, int headSize, HeadRepositioner repositioner) {
    KvCompaction.compactHeads(this, keep, headSize, repositioner);
  }

  /** Re-encodes one head's cached key for another position (RoPE: rotate by the gap). */
  @FunctionalInterface
  public interface HeadRepositioner {
    void moveHead(float[] key, int offset, int fromPos, int toPos);
  }

  /** Gives this cache its own copy of each of the first {@code count} pages still shared. */
  void copyShared(int count) {
    for (int p = 0; p < count; p++) {
      if (pages.get(p).refs.get() > 1) { // shared with a fork or a prefix cache: copy first
        KvPage shared = pages.get(p);
        shared.refs.decrementAndGet();
        pages.set(p, shared.copy());
      }
    }
  }

  /** Re-encodes a cached key written at one position for another (RoPE: rotate by the gap). */
  @FunctionalInterface
  public interface Repositioner {
    void move(float[] key, int offset, int fromPos, int toPos);
  }

  /** Records that positions below {@link #length()} changed in place (see {@link #rewrites()}). */
  void rewritten() {
    rewrites++;
  }

  /** A new sequence sharing this one's positions; later writes to either stay private. */
  public KvCache fork() {
    return new KvCache(this);
  }

  /** The key page holding {@code pos}; the position's vector starts at {@link #offset(int)}. */
  public float[] keys(int layer, int pos) {
    return pages.get(pos / pageSize).keys[layer];
  }

  /** The value page holding {@code pos}; the position's vector starts at {@link #offset(int)}. */
  public float[] values(int layer, int pos) {
    return pages.get(pos / pageSize).values[layer];
  }

  /** Offset of position {@code pos} inside its page arrays. */
  public int offset(int pos) {
    return (pos % pageSize) * kvDim;
  }

  /**
   * The page holding positions {@code index × pageSize() ..}; only full pages may be handed out, so
   * a {@link PrefixCache} never shares a page this sequence will still write.
   */
  public KvPage page(int index) {
    if (index < 0 || index >= length / pageSize) {
      throw new IllegalArgumentException(
          "page "
              + index
              + " is not a full page: must be 0.."
              + (length / pageSize - 1)
              + " for "
              + length
              + " positions in pages of "
              + pageSize);
    }
    return pages.get(index);
  }

  /**
   * Starts this empty cache with {@code prefix} — full pages computed by another sequence for the
   * same leading tokens — shared by reference. A later write into one of them (after a truncate)
   * copies it first, as with {@link #fork}.
   */
  public void adopt(List<KvPage> prefix) {
    if (length != 0 || !pages.isEmpty()) {
      throw new IllegalStateException("adopt needs an empty cache, this one holds " + length);
    }
    if ((long) prefix.size() * pageSize > capacity) {
      throw new IllegalArgumentException(
          prefix.size() + " pages of " + pageSize + " exceed the capacity of " + capacity);
    }
    for (KvPage p : prefix) {
      if (p.keys.length != layers || p.keys[0].length != pageSize * kvDim) {
        throw new IllegalArgumentException(
            "a page of "
                + p.keys.length
                + " layers × "
                + p.keys[0].length
                + " floats does not fit a cache of "
                + layers
                + " layers × "
                + pageSize * kvDim);
      }
      p.refs.incrementAndGet();
      pages.add(p);
    }
    length = prefix.size() * pageSize;
    rewrites++;
  }

  /** Bytes of one page: keys and values of {@link #pageSize()} positions in every layer. */
  public long pageBytes() {
    return (long) layers * 2L * pageSize * kvDim * Float.BYTES;
  }

  /** Bytes of key/value storage currently allocated by this sequence (shared pages included). */
  public long allocatedBytes() {
    return (long) pages.size() * layers * 2L * pageSize * kvDim * Float.BYTES;
  }
}
