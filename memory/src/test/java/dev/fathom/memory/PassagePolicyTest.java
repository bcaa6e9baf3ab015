package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PassagePolicyTest {
  private static final List<TokenSpan> BLOCKS =
      List.of(new TokenSpan(1, 4), new TokenSpan(4, 8), new TokenSpan(8, 10));

  @Test
  void keepsWholeBlocksByMeanAttentionNeverAPartOfOne() {
    // 14 positions: sink 0, blocks 1-3 (mean 2), 4-7 (mean 3, one heavy token), 8-9 (mean 5),
    // 10..13 outside the blocks; budget 10 with 2 recent (12, 13).
    double[] att = {9, 2, 2, 2, 0, 0, 12, 0, 5, 5, 1, 1, 1, 1};
    PassagePolicy p = new PassagePolicy(1, 0.2, BLOCKS);
    // Room 7: block 8-9 (2), block 4-7 (4), then 1-3 does not fit, single 10 does.
    assertArrayEquals(new int[] {0, 4, 5, 6, 7, 8, 9, 10, 12, 13}, p.keep(14, 10, att));
  }

  @Test
  void followsTheOriginOfPositionsAfterEarlierEvictions() {
    // Cache positions 0..5 hold text tokens 0, 5, 6, 8, 9, 11: block 4-7 is partly gone.
    int[] origin = {0, 5, 6, 8, 9, 11};
    double[] att = {9, 1, 1, 3, 3, 0};
    PassagePolicy p = new PassagePolicy(1, 0.25, BLOCKS);
    assertArrayEquals(new int[] {0, 3, 4, 5}, p.keep(6, 4, att, origin));
  }

  @Test
  void rejectsBadSettingsAndSpans() {
    assertThrows(IllegalArgumentException.class, () -> new PassagePolicy(-1, 0.2, BLOCKS));
    assertThrows(IllegalArgumentException.class, () -> new PassagePolicy(1, 1.0, BLOCKS));
    assertThrows(IllegalArgumentException.class, () -> new TokenSpan(3, 3));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PassagePolicy(4, 0.2, BLOCKS).keep(20, 5, new double[20]));
    assertEquals("passage", KvEvictionPolicy.parse("passage", 4).name());
  }
}
