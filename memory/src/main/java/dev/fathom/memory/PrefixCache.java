package dev.fathom.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KV pages of earlier prompts, kept for the next request that starts with the same tokens: a radix
 * tree whose edges are pages of token ids, as in SGLang's RadixAttention (Zheng et al. 2024,
 * "SGLang: Efficient Execution of Structured Language Model Programs", §3) and vLLM's automatic
 * prefix caching (Kwon et al. 2023, "PagedAttention", §4.4 — there a hash chain over blocks, which
 * is the same tree flattened). A node's keys and values depend on every token on its path from the
 * root, never on its own page alone, so the path is the key.
 *
 * <p>One cache serves every request of one loaded model. A request calls {@link #reuse} on its
 * empty sequence (which adopts the longest cached run of full pages, leaving at least the last
 * prompt token to compute so there are logits to sample from), prefills the rest, calls {@link
 * #remember} to add its own full prompt pages, and closes the {@link Lease} when it is done.
 * Matching is page-granular: with 64-position pages up to 63 shared tokens are recomputed.
 *
 * <p>Memory: pages are counted once however many sequences share them; the cache evicts the least
 * recently used unlocked leaf until its pages fit {@code budgetBytes}. Pages under an open lease
 * are locked (SGLang's {@code lock_ref}) and never evicted; if the budget is all locked, new pages
 * are simply not remembered. Thread-safe: requests of one model may run concurrently.
 */
public final class PrefixCache {
  /** System property with the byte budget of each loaded model's prefix cache; 0 turns it off. */
  public static final String BUDGET_PROPERTY = "fathom.engine.prefix-cache-bytes";

  /** Default budget: 256 MiB — about 5,900 positions of TinyLlama-1.1B (44 KiB per position). */
  public static final long DEFAULT_BUDGET_BYTES = 256L << 20;

  private final long budgetBytes;
  private final Node root = new Node(null, null, null);
  private final Set<Node> nodes = new LinkedHashSet<>();
  private int pageSize = -1;
  private long bytes;
  private long tick;
  private long requests;
  private long hits;
  private long reusedPositions;
  private long evictions;

  /**
   * @param budgetBytes most bytes of KV pages kept (≥ 0; 0 keeps nothing)
   */
  public PrefixCache(long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException(
          "prefix cache budget must be ≥ 0 bytes (0 = off), got " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
  }

  /** A cache with the budget of {@link #BUDGET_PROPERTY}, else {@link #DEFAULT_BUDGET_BYTES}. */
  public static PrefixCache fromSystemProperty() {
    String v = System.getProperty(BUDGET_PROPERTY);
    if (v == null || v.isBlank()) {
      return new PrefixCache(DEFAULT_BUDGET_BYTES);
    }
    try {
      return new PrefixCache(Long.parseLong(v.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          BUDGET_PROPERTY + " must be a whole number of bytes ≥ 0, got '" + v + "'", e);
    }
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /**
   * Fills the empty {@code cache} with the longest cached run of full pages that {@code tokens}
   * starts with, at most {@code tokens.length - 1} positions. The lease locks those pages until it
   * is closed; {@link Lease#reused()} says how many positions the caller need not prefill.
   */
  public synchronized Lease reuse(int[] tokens, KvCache cache) {
    if (cache.length() != 0) {
      throw new IllegalStateException("reuse needs an empty cache, it holds " + cache.length());
    }
    checkGeometry(cache);
    requests++;
    Lease lease = new Lease();
    if (budgetBytes == 0) {
      return lease;
    }
    int ps = cache.pageSize();
    int maxPages = Math.min((tokens.length - 1) / ps, cache.capacity() / ps);
    List<KvPage> prefix = new ArrayList<>();
    Node node = root;
    for (int i = 0; i < maxPages; i++) {
      Node child = node.children.get(new PageKey(Arrays.copyOfRange(tokens, i * ps, (i + 1) * ps)));
      if (child == null) {
        break;
      }
      lease.lock(child, ++tick);
      prefix.add(child.page);
      node = child;
    }
    cache.adopt(prefix);
    lease.reused = prefix.size() * ps;
    if (lease.reused > 0) {
      hits++;
      reusedPositions += lease.reused;
    }
    return lease;
  }

  /**
   * Remembers the full pages of {@code cache}'s first {@code length} positions, which hold {@code
   * tokens[0 .. length)}; pages already in the tree are kept as they are. New pages stay locked
   * under {@code lease}. Evicts unlocked least-recently-used pages to make room; stops remembering
   * when nothing more can be evicted.
   */
  public synchronized void remember(int[] tokens, int length, KvCache cache, Lease lease) {
    if (length < 0 || length > cache.length() || length > tokens.length) {
      throw new IllegalArgumentException(
          "remember "
              + length
              + " positions: must be 0.."
              + Math.min(cache.length(), tokens.length)
              + " (the cache holds "
              + cache.length()
              + ", the prompt "
              + tokens.length
              + ")");
    }
    checkGeometry(cache);
    int ps = cache.pageSize();
    long pageBytes = cache.pageBytes();
    Node node = root;
    for (int i = 0; i < length / ps; i++) {
      PageKey key = new PageKey(Arrays.copyOfRange(tokens, i * ps, (i + 1) * ps));
      Node child = node.children.get(key);
      if (child == null) {
        while (bytes + pageBytes > budgetBytes && evictOne()) {}
        if (bytes + pageBytes > budgetBytes) {
          return;
        }
        KvPage page = cache.page(i);
        page.refs.incrementAndGet();
        child = new Node(node, key, page);
        node.children.put(key, child);
        nodes.add(child);
        bytes += pageBytes;
      }
      lease.lock(child, ++tick);
      node = child;
    }
  }

  /** Counters since start-up and the current size. */
  public synchronized Stats stats() {
    return new Stats(requests, hits, reusedPositions, nodes.size(), bytes, evictions);
  }

  /**
   * @param requests calls of {@link #reuse}
   * @param hits requests that reused at least one page
   * @param reusedPositions prompt positions not prefilled thanks to the cache
   * @param pages pages held now
   * @param bytes bytes of those pages
   * @param evictions pages evicted so far
   */
  public record Stats(
      long requests, long hits, long reusedPositions, int pages, long bytes, long evictions) {}

  /** Evicts the least recently used unlocked leaf; false when there is none. */
  private boolean evictOne() {
    Node victim = null;
    for (Node n : nodes) {
      if (n.children.isEmpty() && n.locks == 0 && (victim == null || n.lastUse < victim.lastUse)) {
        victim = n;
      }
    }
    if (victim == null) {
      return false;
    }
    victim.parent.children.remove(victim.key);
    nodes.remove(victim);
    victim.page.refs.decrementAndGet();
    bytes -= victim.page.bytes();
    evictions++;
    return true;
  }

  private void checkGeometry(KvCache cache) {
    if (pageSize < 0) {
      pageSize = cache.pageSize();
    } else if (pageSize != cache.pageSize()) {
      throw new IllegalArgumentException(
          "this prefix cache holds pages of "
              + pageSize
              + " positions, the cache has pages of "
              + cache.pageSize()
              + ": one prefix cache serves one model");
    }
  }

  private synchronized void unlock(List<Node> locked) {
    for (Node n : locked) {
      n.locks--;
    }
    locked.clear();
  }

  /**
   * The pages one request holds in the tree; close it when the request's sequence is done (closing
   * twice is harmless).
   */
  public final class Lease implements AutoCloseable {
    private final List<Node> locked = new ArrayList<>();
    private final Set<Node> lockedSet = new java.util.HashSet<>();
    private int reused;

    private Lease() {}

    /** Leading positions taken from the cache instead of prefilled. */
    public int reused() {
      return reused;
    }

    private void lock(Node n, long now) {
      n.lastUse = now;
      if (lockedSet.add(n)) {
        n.locks++;
        locked.add(n);
      }
    }

    @Override
    public void close() {
      unlock(locked);
      lockedSet.clear();
    }
  }

  private static final class Node {
    final Node parent;
    final PageKey key;
    final KvPage page;
    final Map<PageKey, Node> children = new HashMap<>();
    int locks;
    long lastUse;

    Node(Node parent, PageKey key, KvPage page) {
      this.parent = parent;
      this.key = key;
      this.page = page;
    }
  }

  /** The token ids of one page, compared by value. */
  private record PageKey(int[] tokens) {
    @Override
    public boolean equals(Object o) {
      return o instanceof PageKey k && Arrays.equals(tokens, k.tokens);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
      return Arrays.toString(tokens);
    }
  }
}
