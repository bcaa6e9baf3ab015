package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.retrieval.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCountsTest {

  /** Counts words and records which texts it was asked about. */
  private static final class WordCounter implements Embedder {
    final List<String> asked = new ArrayList<>();

    @Override
    public int dimension() {
      return 1;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      throw new UnsupportedOperationException("not needed");
    }

    @Override
    public int countTokens(String text) {
      asked.add(text);
      return text.split(" ").length;
    }

    @Override
    public void close() {}
  }

  @Test
  void countsEachTextOnceWhileItIsRemembered() {
    WordCounter e = new WordCounter();
    TokenCounts counts = new TokenCounts(e, 2);
    assertEquals(3, counts.of("a b c"));
    assertEquals(3, counts.of("a b c"));
    assertEquals(1, counts.of("d"));
    assertEquals(List.of("a b c", "d"), e.asked);
    // A third text evicts the least recently used one ("a b c"), which is then counted again.
    assertEquals(2, counts.of("e f"));
    assertEquals(2, counts.size());
    assertEquals(3, counts.of("a b c"));
    assertEquals(List.of("a b c", "d", "e f", "a b c"), e.asked);
  }

  @Test
  void aCapacityBelowOneIsRefused() {
    var ex =
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(new WordCounter(), 0));
    assertEquals("capacity must be >= 1, got 0", ex.getMessage());
  }
}
