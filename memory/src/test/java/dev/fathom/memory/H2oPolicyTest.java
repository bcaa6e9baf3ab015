package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class H2oPolicyTest {
  @Test
  void keepsTheMostAttendedOlderPositionsAndTheRecentHalf() {
    double[] att = {9, 0.1, 5, 0.2, 7, 0.3, 0.4, 1, 1, 1};
    assertArrayEquals(new int[] {0, 4, 8, 9}, new H2oPolicy(0.5).keep(10, 4, att));
    assertArrayEquals(new int[] {0, 2, 4, 9}, new H2oPolicy(0.25).keep(10, 4, att));
    assertArrayEquals(new int[] {0, 1}, new H2oPolicy(0.5).keep(2, 4, att));
  }

  @Test
  void parsesPolicyNamesAndRejectsOthers() {
    assertArrayEquals(
        new int[] {0, 8, 9},
        KvEvictionPolicy.parse("Streaming-LLM", 1).keep(10, 3, new double[10]));
    assertThrows(IllegalArgumentException.class, () -> KvEvictionPolicy.parse("lru", 4));
    assertThrows(IllegalArgumentException.class, () -> new H2oPolicy(1.5));
  }
}
