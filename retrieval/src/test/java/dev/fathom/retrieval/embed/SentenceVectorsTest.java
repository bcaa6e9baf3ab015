package dev.fathom.retrieval.embed;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.text.SentenceSplitter;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sentences ingest embeds, and the lookup by span, with a scripted embedder. */
class SentenceVectorsTest {

  /** Embeds a text as {length, call number}; records every call. */
  static final class Scripted implements Embedder {
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public int dimension() {
      return 2;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      calls.add(List.copyOf(texts));
      return texts.stream().map(t -> new float[] {t.length(), calls.size()}).toList();
    }

    @Override
    public int countTokens(String text) {
      return text.length();
    }

    @Override
    public void close() {}
  }

  @Test
  void embedsTheCandidateSentencesOfAllPassagesInOneCall() {
    String a = "# Heading\n\nKafka replicates partitions. Brokers elect a leader.\n\n| a | b |";
    String b = "Lucene writes segments.";
    Scripted e = new Scripted();
    List<SentenceVectors> out =
        SentenceVectors.embed(
            e,
            List.of(
                new Passage("a#0", "a", "A", a, 0, a.length()),
                new Passage("b#0", "b", "B", b, 0, b.length())));
    assertEquals(1, e.calls.size(), "one batch for all passages");
    assertEquals(
        List.of(
            "Kafka replicates partitions.", "Brokers elect a leader.", "Lucene writes segments."),
        e.calls.getFirst(),
        "headings and table rows are layout, not embedded");
    assertEquals(SentenceSplitter.sentences(a), out.get(0).spans());
    TextSpan second = out.get(0).spans().get(1);
    assertEquals("Brokers elect a leader.", second.of(a));
    assertEquals(23f, out.get(0).vectorOf(second)[0]);
    assertNull(
        out.get(0).vectorOf(new TextSpan(second.start(), second.end() - 1)), "exact span only");
    assertNull(out.get(0).vectorOf(new TextSpan(0, 9)), "the heading has no vector");
    assertEquals(1, out.get(1).spans().size());
  }

  @Test
  void passagesWithoutSentencesMakeNoCall() {
    Scripted e = new Scripted();
    List<SentenceVectors> out =
        SentenceVectors.embed(e, List.of(new Passage("a#0", "a", "A", "# Only a heading", 0, 16)));
    assertTrue(e.calls.isEmpty());
    assertTrue(out.getFirst().spans().isEmpty());
  }

  @Test
  void refusesSpansAndVectorsOutOfStep() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SentenceVectors(List.of(new TextSpan(0, 1)), List.of()));
    assertTrue(e.getMessage().contains("1 sentence spans but 0 vectors"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SentenceVectors(
                    List.of(new TextSpan(5, 6), new TextSpan(0, 1)),
                    List.of(new float[1], new float[1])));
    assertTrue(e.getMessage().contains("ascend"), e.getMessage());
  }
}
