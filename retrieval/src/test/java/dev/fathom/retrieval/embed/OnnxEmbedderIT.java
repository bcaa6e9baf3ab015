package dev.fathom.retrieval.embed;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxEmbedderIT {

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  @Test
  void producesUnitVectorsWhereParaphrasesAreCloserThanUnrelatedText() {
    Embedder e = TestEmbedder.shared();
    assertEquals(384, e.dimension());
    List<float[]> v =
        e.embedAll(
            List.of(
                "A cat sits on the mat.",
                "A kitten is resting on the rug.",
                "Kafka partitions are replicated across brokers."));
    for (float[] x : v) assertEquals(1.0, dot(x, x), 1e-4);
    float similar = dot(v.get(0), v.get(1));
    float unrelated = dot(v.get(0), v.get(2));
    assertTrue(similar > 0.5f, "paraphrase similarity " + similar);
    assertTrue(unrelated < 0.2f, "unrelated similarity " + unrelated);
  }

  @Test
  void batchOrderIsPreservedWhenInputsAreSortedByLengthInternally() {
    Embedder e = TestEmbedder.shared();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 70; i++) texts.add("word ".repeat(70 - i) + i);
    List<float[]> batch = e.embedAll(texts);
    for (int i : new int[] {0, 13, 31, 32, 69}) {
      float[] single = e.embed(texts.get(i));
      assertEquals(1.0, dot(single, batch.get(i)), 1e-4, "text " + i);
    }
  }

  @Test
  void countsModelTokensWithoutSpecialTokens() {
    Embedder e = TestEmbedder.shared();
    assertEquals(2, e.countTokens("hello world"));
    assertEquals(0, e.countTokens(""));
  }

  @Test
  void corruptModelFileFailsWithAMessageNamingTheFile(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5});
    Files.copy(
        MiniLmModel.FP32.materialize(TestEmbedder.cacheDir()).resolve("tokenizer.json"),
        dir.resolve("tokenizer.json"));
    EmbeddingException ex =
        assertThrows(
            EmbeddingException.class,
            () -> OnnxEmbedder.load(dir, OnnxEmbedder.Settings.defaults()));
    assertTrue(ex.getMessage().contains("model.onnx"), ex.getMessage());
  }

  @Test
  void missingModelFileIsReported(@TempDir Path dir) {
    IllegalArgumentException ex =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxEmbedder.load(dir, OnnxEmbedder.Settings.defaults()));
    assertTrue(ex.getMessage().contains("missing"), ex.getMessage());
  }
}
