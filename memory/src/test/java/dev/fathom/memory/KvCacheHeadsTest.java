package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link KvCache#compactHeads}: each key/value head keeps its own positions (SnapKV). */
class KvCacheHeadsTest {
  // 2 layers, 2 heads of 2 floats: key = pos*100 + layer*10 + dim, value = its negative.
  private static KvCache filled(int n) {
    KvCache c = new KvCache(2, 4, 64, 4);
    c.prepareAppend(n);
    for (int pos = 0; pos < n; pos++) {
      for (int l = 0; l < 2; l++) {
        for (int d = 0; d < 4; d++) {
          c.keys(l, pos)[c.offset(pos) + d] = pos * 100 + l * 10 + d;
          c.values(l, pos)[c.offset(pos) + d] = -(pos * 100 + l * 10 + d);
        }
      }
    }
    c.commit(n);
    return c;
  }

  @Test
  void eachHeadKeepsItsOwnPositionsAndItsKeysAreMovedOnce() {
    KvCache c = filled(10);
    long rewritesBefore = c.rewrites();
    int[][][] keep = {{{0, 5, 9}, {1, 2, 9}}, {{3, 4, 9}, {0, 8, 9}}};
    StringBuilder moves = new StringBuilder();
    c.compactHeads(
        keep, 2, (key, offset, from, to) -> moves.append(from).append(">").append(to).append(' '));
    assertEquals(3, c.length());
    assertEquals(rewritesBefore + 1, c.rewrites(), "a per-head compaction counts as a rewrite");
    for (int l = 0; l < 2; l++) {
      for (int h = 0; h < 2; h++) {
        for (int i = 0; i < 3; i++) {
          for (int d = 0; d < 2; d++) {
            int from = keep[l][h][i];
            float want = from * 100 + l * 10 + h * 2 + d;
            assertEquals(want, c.keys(l, i)[c.offset(i) + h * 2 + d], "key l" + l + " h" + h);
            assertEquals(-want, c.values(l, i)[c.offset(i) + h * 2 + d], 0f);
          }
        }
      }
    }
    // Unmoved positions are not re-rotated; every moved head is, once.
    assertEquals("5>1 9>2 1>0 2>1 9>2 3>0 4>1 9>2 8>1 9>2 ", moves.toString());
  }

  @Test
  void refusesListsOfDifferentLengthsOrOrder() {
    assertThrows(
        IllegalArgumentException.class,
        () -> filled(6).compactHeads(new int[][][] {{{0, 1}, {0}}, {{0, 1}, {0, 1}}}, 2, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> filled(6).compactHeads(new int[][][] {{{1, 0}, {0, 1}}, {{0, 1}, {0, 1}}}, 2, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> filled(6).compactHeads(new int[][][] {{{0, 1}, {0, 1}}}, 2, null));
  }

  @Test
  void ropeShiftOfOneHeadEqualsTheWholePositionShiftOnThatHead() {
    RopeShift shift = new RopeShift(10000, 1, 2, 4, true);
    float[] all = {1, 2, 3, 4, 5, 6, 7, 8};
    float[] one = all.clone();
    shift.move(all, 0, 9, 2);
    shift.moveHead(one, 4, 9, 2);
    for (int d = 4; d < 8; d++) {
      assertEquals(all[d], one[d], 1e-6);
    }
    for (int d = 0; d < 4; d++) {
      assertEquals(d + 1, one[d]); // the other head untouched
    }
  }
}
