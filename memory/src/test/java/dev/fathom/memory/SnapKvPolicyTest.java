package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SnapKvPolicyTest {
  @Test
  void poolingSpreadsAVoteToItsNeighboursWithZeroPadding() {
    double[] pooled = new SnapKvPolicy(2, 3).pool(new double[] {0, 0, 3, 0, 0, 6}, 6);
    assertArrayEquals(new double[] {0, 1, 1, 1, 2, 2}, pooled, 1e-12);
  }

  @Test
  void keepsTheTopPooledOlderPositionsAndTheWholeWindow() {
    // 12 positions, window 3: older 0..8; votes peak at 2 and 7, pooling (kernel 3) favours their
    // neighbours over the isolated 5.
    double[] votes = {0, 0, 9, 1, 0, 4, 0, 8, 1, 50, 50, 50};
    SnapKvPolicy p = new SnapKvPolicy(3, 3);
    assertArrayEquals(new int[] {1, 2, 3, 6, 7, 8, 9, 10, 11}, p.keep(12, 9, votes));
    assertArrayEquals(new int[] {2, 7, 9, 10, 11}, new SnapKvPolicy(3, 1).keep(12, 5, votes));
    assertArrayEquals(new int[] {0, 1, 2}, p.keep(3, 9, votes));
  }

  @Test
  void rejectsBudgetsNotAboveTheWindowAndEvenKernels() {
    assertThrows(
        IllegalArgumentException.class, () -> new SnapKvPolicy(4, 5).keep(20, 4, new double[20]));
    assertThrows(IllegalArgumentException.class, () -> new SnapKvPolicy(4, 4));
    assertThrows(IllegalArgumentException.class, () -> new SnapKvPolicy(0, 5));
    assertEquals("snapkv", KvEvictionPolicy.parse("SnapKV", 4).name());
    assertEquals(true, KvEvictionPolicy.parse("snapkv", 4).perHead());
  }
}
