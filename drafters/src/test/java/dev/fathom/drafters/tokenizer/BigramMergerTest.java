package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BigramMergerTest {
  private static int[] merge(String text, Map<String, Double> scores) {
    return BigramMerger.merge(
        text, (s, start, mid, end) -> scores.getOrDefault(s.substring(start, end), Double.NaN));
  }

  @Test
  void mergesTheBestPairFirstAndTheLeftmostOnTies() {
    // "aa" scores the same everywhere: the leftmost pair goes first, leaving "aa" "a".
    assertArrayEquals(new int[] {0, 2}, merge("aaa", Map.of("aa", 1.0)));
    // "bc" beats "ab", so "abc" → "a" "bc".
    assertArrayEquals(new int[] {0, 1}, merge("abc", Map.of("ab", 1.0, "bc", 2.0)));
  }

  @Test
  void keepsMergingWhatMergesProduce() {
    assertArrayEquals(new int[] {0}, merge("abcd", Map.of("ab", 3.0, "cd", 2.0, "abcd", 1.0)));
  }

  @Test
  void handlesEmptyTextAndSurrogatePairs() {
    assertArrayEquals(new int[] {}, merge("", Map.of()));
    // Each emoji is one symbol of two chars, never split between its surrogates.
    assertArrayEquals(new int[] {0, 2}, merge("😀😀", Map.of()));
    assertArrayEquals(new int[] {0}, merge("😀😀", Map.of("😀😀", 1.0)));
  }
}
