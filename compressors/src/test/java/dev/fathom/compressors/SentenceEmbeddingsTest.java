package dev.fathom.compressors;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stored vectors first, one embedding batch for the rest, in the callers' order. */
class SentenceEmbeddingsTest {

  record Unit(Passage passage, TextSpan span, String text) {}

  /** Embeds a text as {length}; records every call. */
  static final class Scripted implements Embedder {
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public int dimension() {
      return 1;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      calls.add(List.copyOf(texts));
      return texts.stream().map(t -> new float[] {t.length()}).toList();
    }

    @Override
    public int countTokens(String text) {
      return 1;
    }

    @Override
    public void close() {}
  }

  private static final String A = "Stored one. Stored two. Not stored.";
  private static final Passage PA = new Passage("a#0", "a", "A", A, 0, A.length());
  private static final Passage PB = new Passage("b#0", "b", "B", "Old passage.", 0, 12);

  private static Unit unit(Passage p, int start, int end) {
    return new Unit(p, new TextSpan(start, end), p.text().substring(start, end));
  }

  @Test
  void usesStoredVectorsAndEmbedsOnlyTheRestInOneBatch() {
    Scripted e = new Scripted();
    List<Passage> asked = new ArrayList<>();
    SentenceEmbeddings s =
        new SentenceEmbeddings(
            e,
            passages -> {
              asked.addAll(passages);
              return Map.of(
                  "a#0",
                  new SentenceVectors(
                      List.of(new TextSpan(0, 11), new TextSpan(12, 23)),
                      List.of(new float[] {-1}, new float[] {-2})));
            });
    List<Unit> units =
        List.of(unit(PA, 0, 11), unit(PB, 0, 12), unit(PA, 12, 23), unit(PA, 24, 35));
    List<float[]> v = s.of(units, Unit::passage, Unit::span, Unit::text);
    assertEquals(List.of(PA, PB), asked, "each passage asked for once, in order");
    assertEquals(List.of(List.of("Old passage.", "Not stored.")), e.calls);
    assertArrayEquals(new float[] {-1}, v.get(0));
    assertArrayEquals(new float[] {12}, v.get(1));
    assertArrayEquals(new float[] {-2}, v.get(2));
    assertArrayEquals(new float[] {11}, v.get(3));
  }

  @Test
  void withNothingStoredEverythingIsEmbeddedAndNothingAskedForNoUnits() {
    Scripted e = new Scripted();
    SentenceEmbeddings s =
        new SentenceEmbeddings(
            e,
            passages -> {
              assertFalse(passages.isEmpty(), "never asked about no passages");
              return Map.of();
            });
    assertTrue(s.of(List.<Unit>of(), Unit::passage, Unit::span, Unit::text).isEmpty());
    assertTrue(e.calls.isEmpty());
    assertEquals(1, s.of(List.of(unit(PB, 0, 12)), Unit::passage, Unit::span, Unit::text).size());
    assertEquals(List.of(List.of("Old passage.")), e.calls);
  }
}
