package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PermutationParserTest {

  @Test
  void readsACleanPermutation() {
    PermutationParser.Parsed p = PermutationParser.parse("[2] > [3] > [1]", 3);
    assertArrayEquals(new int[] {1, 2, 0}, p.order());
    assertTrue(p.clean());
    assertEquals(3, p.named());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // output | n | expected order, 1-based | named
        "[2] > [1]                                      | 4 | 2 1 3 4 | 2",
        "[3] > [3] > [1] > [3]                          | 3 | 3 1 2   | 2",
        "[7] > [2] > [0] > [1]                          | 3 | 2 1 3   | 2",
        "Sure! The ranking is: [2] > [1] > [3]. Hope it helps, top 3 done. | 3 | 2 1 3 | 3",
        "2 > 3 > 1                                      | 3 | 2 3 1   | 3",
        "passage two, then one                          | 3 | 1 2 3   | 0",
        "''                                             | 2 | 1 2     | 0",
        "[ 2 ]>[1]                                      | 2 | 2 1     | 2",
        "[99999999999999] > [1]                         | 2 | 1 2     | 1",
        "[2] > [1] > [2] > [1] > [2] > [1]              | 2 | 2 1     | 2",
      })
  void repairsMessyOutput(String output, int n, String expected, int named) {
    PermutationParser.Parsed p = PermutationParser.parse(output, n);
    int[] want =
        Arrays.stream(expected.trim().split("\\s+"))
            .mapToInt(s -> Integer.parseInt(s) - 1)
            .toArray();
    assertArrayEquals(want, p.order(), output);
    assertEquals(named, p.named(), output);
    assertEquals(n, Arrays.stream(p.order()).distinct().count(), "a permutation");
  }

  @Test
  void repairsAreNamed() {
    PermutationParser.Parsed p = PermutationParser.parse("[5] > [1] > [1]", 3);
    assertEquals(
        java.util.List.of(
            "dropped out-of-range ids [5]",
            "dropped repeated ids [1]",
            "appended missing ids [2, 3]"),
        p.repairs());
  }

  @Test
  void nullAndZeroAreFineButNegativeNIsRefused() {
    assertEquals(0, PermutationParser.parse(null, 0).order().length);
    assertArrayEquals(new int[] {0}, PermutationParser.parse(null, 1).order());
    var e = assertThrows(IllegalArgumentException.class, () -> PermutationParser.parse("", -1));
    assertTrue(e.getMessage().contains("got -1"));
  }
}
