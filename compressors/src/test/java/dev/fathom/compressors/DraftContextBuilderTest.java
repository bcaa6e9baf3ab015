package dev.fathom.compressors;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.embed.Embedder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DraftContextBuilderTest {

  /**
   * Two dimensions: how much a text is about cats, and about everything else. A question (ending in
   * "?") is purely about cats, so a chunk's cosine grows with the cats it mentions.
   */
  private static final class CatEmbedder implements Embedder {
    @Override
    public int dimension() {
      return 2;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return texts.stream()
          .map(
              t -> {
                if (t.endsWith("?")) return new float[] {1, 0};
                float cats = t.split("cat", -1).length - 1;
                float norm = (float) Math.sqrt(cats * cats + 1);
                return new float[] {cats / norm, 1 / norm};
              })
          .toList();
    }

    @Override
    public int countTokens(String text) {
      return text.split("\\s+").length;
    }

    @Override
    public void close() {}
  }

  private static String sentence(String topic, int i) {
    return "Sentence " + i + " is about " + topic + " and goes on for a few words more.";
  }

  @Test
  void keepsTheMostSimilarChunksWithinTheBudgetInOriginalOrder() {
    // Chunks of 16 words hold one 16-word sentence each.
    StringBuilder doc = new StringBuilder();
    String[] topics = {"dogs", "cat cat", "birds", "cat", "fish", "cat cat cat"};
    for (int i = 0; i < topics.length; i++) doc.append(sentence(topics[i], i)).append(' ');
    // Budget for two chunks: the two cattiest (5 and 1), returned in document order.
    var builder =
        new DraftContextBuilder(new CatEmbedder(), new DraftContextBuilder.Settings(16, 34, 0.5));
    String ctx = builder.build(doc.toString(), "cat?");
    assertEquals(sentence("cat cat", 1) + "\n\n" + sentence("cat cat cat", 5), ctx);
  }

  @Test
  void chunksBelowTheThresholdAreLeftOutEvenWithBudgetToSpare() {
    String doc = sentence("dogs", 0) + " " + sentence("cat", 1);
    var builder =
        new DraftContextBuilder(
            new CatEmbedder(), new DraftContextBuilder.Settings(16, 10_000, 0.5));
    assertEquals(sentence("cat", 1), builder.build(doc, "cat?"));
    assertEquals("", builder.build("   ", "cat?"));
  }

  @Test
  void settingsNameTheBadValueAndRange() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new DraftContextBuilder.Settings(8, 100, 0.1));
    assertEquals("chunkWords must be in [16, 2000], got 8", e.getMessage());
  }
}
