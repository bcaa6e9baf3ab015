package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KvCacheTest {
  private static void write(KvCache c, int n, float base) {
    int start = c.length();
    c.prepareAppend(n);
    for (int pos = start; pos < start + n; pos++) {
      for (int l = 0; l < c.layers(); l++) {
        for (int d = 0; d < c.kvDim(); d++) {
          c.keys(l, pos)[c.offset(pos) + d] = base + pos * 100 + l * 10 + d;
          c.values(l, pos)[c.offset(pos) + d] = -(base + pos * 100 + l * 10 + d);
        }
      }
    }
    c.commit(n);
  }

  private static float key(KvCache c, int l, int pos, int d) {
    return c.keys(l, pos)[c.offset(pos) + d];
  }

  @Test
  void appendsAcrossPageBoundaries() {
    KvCache c = new KvCache(2, 3, 100, 4);
    write(c, 3, 0);
    write(c, 7, 0);
    assertEquals(10, c.length());
    for (int pos = 0; pos < 10; pos++) {
      assertEquals(pos * 100 + 10 + 2, key(c, 1, pos, 2));
      assertEquals(-(pos * 100 + 10 + 2), c.values(1, pos)[c.offset(pos) + 2]);
    }
  }

  @Test
  void truncateDropsPositionsAndLaterAppendsOverwriteThem() {
    KvCache c = new KvCache(1, 2, 100, 4);
    write(c, 9, 0);
    c.truncate(5);
    assertEquals(5, c.length());
    write(c, 2, 5000);
    assertEquals(4 * 100, key(c, 0, 4, 0));
    assertEquals(5000 + 5 * 100, key(c, 0, 5, 0));
    assertEquals(5000 + 6 * 100 + 1, key(c, 0, 6, 1));
  }

  @Test
  void forkSharesThePrefixButNotLaterWrites() {
    KvCache a = new KvCache(1, 2, 100, 4);
    write(a, 6, 0); // page 1 half full: shared by both after the fork
    KvCache b = a.fork();
    write(a, 3, 1000);
    write(b, 3, 2000);
    for (int pos = 0; pos < 6; pos++) {
      assertEquals(pos * 100, key(a, 0, pos, 0));
      assertEquals(pos * 100, key(b, 0, pos, 0));
    }
    assertEquals(1000 + 600, key(a, 0, 6, 0));
    assertEquals(2000 + 600, key(b, 0, 6, 0));
    assertEquals(1000 + 800, key(a, 0, 8, 0));
    assertEquals(2000 + 800, key(b, 0, 8, 0));
  }

  @Test
  void forkThenTruncateIntoSharedPageCopiesBeforeWriting() {
    KvCache a = new KvCache(1, 1, 100, 4);
    write(a, 8, 0);
    KvCache b = a.fork();
    b.truncate(2);
    write(b, 1, 7000);
    assertEquals(200, key(a, 0, 2, 0), "the parent keeps its own position 2");
    assertEquals(7200, key(b, 0, 2, 0));
  }

  @Test
  void refusesToGrowPastCapacityOrTruncateForward() {
    KvCache c = new KvCache(1, 1, 5, 4);
    write(c, 5, 0);
    IllegalStateException full =
        assertThrows(IllegalStateException.class, () -> c.prepareAppend(1));
    assertEquals(true, full.getMessage().contains("context is full"));
    assertThrows(IllegalArgumentException.class, () -> c.truncate(6));
    assertThrows(IllegalArgumentException.class, () -> new KvCache(0, 1, 1, 1));
  }
}
