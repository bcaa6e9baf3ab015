package dev.fathom.behaviors.handbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.embed.Embedder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handbook checks that need no real embedding model (HandbookIT uses the real one). */
class HandbookTest {

  /** Every text maps to the same unit vector of {@code dimension} components. */
  static Embedder constant(int dimension) {
    return new Embedder() {
      @Override
      public int dimension() {
        return dimension;
      }

      @Override
      public List<float[]> embedAll(List<String> texts) {
        float[] v = new float[dimension];
        v[0] = 1;
        return texts.stream().map(t -> v.clone()).toList();
      }

      @Override
      public int countTokens(String text) {
        return text.split("\\s+").length;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void reopeningWithAnEmbedderOfAnotherDimensionFailsSayingWhy(@TempDir Path dir) {
    try (Handbook h = Handbook.open(dir, constant(3), Handbook.Settings.defaults())) {
      h.add(Behavior.of("behavior_a", "do a", ""));
    }
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> Handbook.open(dir, constant(4), Handbook.Settings.defaults()));
    assertTrue(e.getMessage().contains("3-dimensional"), e.getMessage());
  }

  @Test
  void identicalEmbeddingsMergeEvenAtTheStrictestThreshold(@TempDir Path dir) {
    try (Handbook h = Handbook.open(dir, constant(3), new Handbook.Settings(1.0))) {
      h.add(Behavior.of("behavior_a", "do a", ""));
      assertEquals(
          Handbook.Outcome.MERGED_SIMILAR, h.add(Behavior.of("behavior_b", "do b", "")).outcome());
      assertEquals(1, h.size());
    }
    assertThrows(IllegalArgumentException.class, () -> new Handbook.Settings(0));
    assertThrows(IllegalArgumentException.class, () -> new Handbook.Settings(1.5));
  }
}
