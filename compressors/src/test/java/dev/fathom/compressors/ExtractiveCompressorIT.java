package dev.fathom.compressors;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RECOMP extractive compression with the real embedding model. */
class ExtractiveCompressorIT {

  private static final String DOC =
      "The Eiffel Tower was built for the 1889 World's Fair. It is 330 metres tall. "
          + "Gustave Eiffel's company designed and built it. Paris has many bakeries. "
          + "The tower was the tallest man-made structure in the world until 1930.";

  private static Hit hit(Passage p, int rank) {
    return new Hit(p, 1f / rank, rank);
  }

  private static List<Hit> hits() {
    Passage a = new Passage("/t.md#0", "/t.md", "Eiffel Tower", DOC.substring(0, 128), 0, 128);
    Passage b =
        new Passage("/t.md#1", "/t.md", "Eiffel Tower", DOC.substring(82), 82, DOC.length());
    Passage c =
        new Passage(
            "/k.md#0", "/k.md", "Kafka", "Kafka partitions are replicated across brokers.", 0, 47);
    return List.of(hit(c, 1), hit(b, 2), hit(a, 3));
  }

  @Test
  void keepsTheMostRelevantSentencesInSourceOrderWithinTheBudget() {
    Embedder e = TestEmbedder.shared();
    var compressor =
        new ExtractiveCompressor(e, new ExtractiveCompressor.Settings(5, 40, 2, 0.25, 12, 0.7));
    Evidence ev = compressor.compress("How tall is the Eiffel Tower?", hits());
    assertFalse(ev.isEmpty());
    assertTrue(ev.sentences().size() <= 2);
    assertTrue(ev.tokens() <= 40, "tokens " + ev.tokens());
    assertTrue(
        ev.sentences().stream().anyMatch(s -> s.text().contains("330 metres")), ev.toString());
    assertTrue(ev.sentences().stream().noneMatch(s -> s.text().contains("Kafka")));
    assertTrue(ev.inputTokens() > ev.tokens());
    // Source order: offsets increase within a source.
    for (int i = 1; i < ev.sentences().size(); i++) {
      var prev = ev.sentences().get(i - 1);
      var cur = ev.sentences().get(i);
      if (prev.passage().source().equals(cur.passage().source())) {
        assertTrue(prev.passage().start() + prev.start() < cur.passage().start() + cur.start());
      }
    }
    // Offsets point at the sentence inside its passage.
    for (EvidenceSentence s : ev.sentences()) {
      assertEquals(s.text(), s.passage().text().substring(s.start(), s.end()));
    }
  }

  @Test
  void aSentenceSharedByOverlappingPassagesIsKeptOnce() {
    var compressor =
        new ExtractiveCompressor(
            TestEmbedder.shared(), new ExtractiveCompressor.Settings(5, 500, 10, 0.0, 12, 0.0));
    Evidence ev = compressor.compress("Who designed the Eiffel Tower?", hits());
    long designed =
        ev.sentences().stream().filter(s -> s.text().startsWith("Gustave Eiffel")).count();
    assertEquals(1, designed, ev.toString());
  }

  @Test
  void selectiveAugmentationReturnsNothingWhenNothingIsRelevant() {
    var compressor =
        new ExtractiveCompressor(TestEmbedder.shared(), ExtractiveCompressor.Settings.defaults());
    Evidence ev =
        compressor.compress("What is the best recipe for sourdough starter hydration?", hits());
    assertTrue(ev.isEmpty(), ev.toString());
    assertTrue(ev.inputTokens() > 0);
    assertTrue(compressor.compress("anything", List.of()).isEmpty());
  }

  @Test
  void wordsOfTheQuestionLiftASentenceButCannotMakeItRelevant() {
    var lexical =
        new ExtractiveCompressor(
            TestEmbedder.shared(), new ExtractiveCompressor.Settings(5, 500, 1, 0.25, 12, 0.7));
    Evidence ev =
        lexical.compress("When was the tower the tallest man-made structure in the world?", hits());
    assertTrue(ev.sentences().getFirst().text().contains("until 1930"), ev.toString());
    Evidence noise =
        lexical.compress(
            "tower tower Paris bakeries sourdough recipe hydration",
            List.of(
                hit(
                    new Passage(
                        "/x.md#0", "/x.md", "X", "Quarterly revenue grew by four percent.", 0, 39),
                    1)));
    assertTrue(noise.isEmpty(), noise.toString());
  }

  @Test
  void settingsNameTheBadValueAndRange() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ExtractiveCompressor.Settings(0, 64, 3, 0.3, 12, 0.7));
    assertEquals("topPassages must be in [1, 100], got 0", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ExtractiveCompressor.Settings(5, 64, 3, 1.5, 12, 0.7));
  }
}
