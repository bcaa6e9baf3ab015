package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrefixCacheTest {
  // 2 layers × kvDim 3 × page 4 positions: 2 × 2 × 12 floats = 192 bytes a page.
  private static final long PAGE = 2L * 2 * 4 * 3 * Float.BYTES;

  private static KvCache cache() {
    return new KvCache(2, 3, 100, 4);
  }

  /** Writes positions whose keys are {@code token * 1000 + pos}: the "forward pass" of the test. */
  private static void prefill(KvCache c, int[] tokens) {
    int start = c.length();
    int n = tokens.length - start;
    c.prepareAppend(n);
    for (int pos = start; pos < tokens.length; pos++) {
      for (int l = 0; l < c.layers(); l++) {
        c.keys(l, pos)[c.offset(pos)] = tokens[pos] * 1000 + pos;
      }
    }
    c.commit(n);
  }

  private static int[] range(int from, int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = from + i;
    }
    return t;
  }

  private static int serve(PrefixCache pc, int[] tokens) {
    KvCache c = cache();
    try (PrefixCache.Lease lease = pc.reuse(tokens, c)) {
      prefill(c, tokens);
      pc.remember(tokens, tokens.length, c, lease);
      for (int pos = 0; pos < tokens.length; pos++) {
        assertEquals(tokens[pos] * 1000 + pos, c.keys(1, pos)[c.offset(pos)], "position " + pos);
      }
      return lease.reused();
    }
  }

  @Test
  void secondRequestReusesTheSharedFullPagesButNeverTheLastToken() {
    PrefixCache pc = new PrefixCache(1 << 20);
    int[] a = range(10, 10); // pages [10..13] [14..17], tail 18 19
    assertEquals(0, serve(pc, a));
    int[] b = a.clone();
    b[9] = 99;
    assertEquals(8, serve(pc, b));
    int[] c = range(10, 8); // exactly two pages: the last one must still be computed
    assertEquals(4, serve(pc, c));
    int[] d = a.clone();
    d[5] = 77; // differs in the second page
    assertEquals(4, serve(pc, d));
    assertEquals(4, pc.stats().requests());
    assertEquals(3, pc.stats().hits());
  }

  @Test
  void writesAfterATruncateIntoASharedPageStayPrivate() {
    PrefixCache pc = new PrefixCache(1 << 20);
    int[] a = range(10, 9);
    serve(pc, a);
    KvCache c = cache();
    try (PrefixCache.Lease lease = pc.reuse(a, c)) {
      assertEquals(8, lease.reused());
      c.truncate(6);
      prefill(c, new int[] {10, 11, 12, 13, 14, 15, 50, 51});
    }
    assertEquals(8, serve(pc, a)); // serve() checks every key is still the original
  }

  @Test
  void evictsLeastRecentlyUsedUnlockedPagesWithinTheBudget() {
    PrefixCache pc = new PrefixCache(3 * PAGE);
    serve(pc, range(10, 9)); // 2 pages
    serve(pc, range(50, 5)); // 1 page: budget full
    assertEquals(3 * PAGE, pc.stats().bytes());
    serve(pc, range(10, 9)); // touches the first prompt's pages
    serve(pc, range(80, 5)); // evicts the 50.. page, the least recently used
    assertEquals(3, pc.stats().pages());
    assertEquals(1, pc.stats().evictions());
    assertEquals(8, serve(pc, range(10, 9)));
    assertEquals(0, serve(pc, range(50, 5)));
  }

  @Test
  void lockedPagesAreNeverEvicted() {
    PrefixCache pc = new PrefixCache(2 * PAGE);
    int[] a = range(10, 9);
    KvCache c = cache();
    try (PrefixCache.Lease lease = pc.reuse(a, c)) {
      prefill(c, a);
      pc.remember(a, a.length, c, lease);
      assertEquals(0, serve(pc, range(50, 9))); // no room: not remembered
      assertEquals(2, pc.stats().pages());
    }
    assertEquals(8, serve(pc, a));
    serve(pc, range(50, 9)); // now the lease is closed, a's pages give way
    assertEquals(8, serve(pc, range(50, 9)));
  }

  @Test
  void zeroBudgetKeepsNothingAndBadInputNamesTheRange() {
    PrefixCache off = new PrefixCache(0);
    serve(off, range(10, 9));
    assertEquals(0, serve(off, range(10, 9)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PrefixCache(-1));
    assertNotEquals(-1, e.getMessage().indexOf("≥ 0"));
    PrefixCache pc = new PrefixCache(1 << 20);
    KvCache c = cache();
    PrefixCache.Lease lease = pc.reuse(range(1, 5), c);
    assertThrows(IllegalArgumentException.class, () -> pc.remember(range(1, 5), 5, c, lease));
    assertThrows(
        IllegalArgumentException.class, () -> pc.reuse(range(1, 5), new KvCache(2, 3, 100, 8)));
  }
}
