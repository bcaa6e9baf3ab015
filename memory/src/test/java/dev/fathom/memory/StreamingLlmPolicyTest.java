package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StreamingLlmPolicyTest {
  @Test
  void keepsTheSinksAndTheMostRecentWindow() {
    assertArrayEquals(new int[] {0, 1, 7, 8, 9}, new StreamingLlmPolicy(2).keep(10, 5));
    assertArrayEquals(new int[] {0, 1, 2}, new StreamingLlmPolicy(2).keep(3, 5));
    assertThrows(IllegalArgumentException.class, () -> new StreamingLlmPolicy(4).keep(10, 4));
  }

  @Test
  void compactMovesTheKeptPositionsDownAndLeavesForksAlone() {
    KvCache c = new KvCache(1, 2, 100, 4);
    c.prepareAppend(10);
    for (int pos = 0; pos < 10; pos++) {
      c.keys(0, pos)[c.offset(pos)] = pos;
      c.values(0, pos)[c.offset(pos) + 1] = -pos;
    }
    c.commit(10);
    KvCache fork = c.fork();
    c.compact(new StreamingLlmPolicy(2).keep(10, 5), null);
    assertEquals(5, c.length());
    int[] want = {0, 1, 7, 8, 9};
    for (int i = 0; i < 5; i++) {
      assertEquals(want[i], c.keys(0, i)[c.offset(i)]);
      assertEquals(-want[i], c.values(0, i)[c.offset(i) + 1]);
    }
    for (int pos = 0; pos < 10; pos++) {
      assertEquals(pos, fork.keys(0, pos)[fork.offset(pos)], "the fork's own copy");
    }
    assertThrows(IllegalArgumentException.class, () -> c.compact(new int[] {1, 1}, null));
  }
}
