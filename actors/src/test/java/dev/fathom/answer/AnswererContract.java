package dev.fathom.answer;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.retrieval.Passage;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Answerer} must do, extractive or generative. An implementation's test extends
 * this class and supplies an answerer whose answers cite the evidence (a generative one over a
 * scripted model that cites {@code [1]}).
 */
abstract class AnswererContract {

  static final Passage A = new Passage("/a.md#0", "/a.md", "A", "One. Two.", 10, 19);
  static final Passage B = new Passage("/b.md#3", "/b.md", "B", "Three.", 50, 56);

  /** A fresh answerer under test. */
  protected abstract Answerer answerer();

  static Evidence evidence() {
    return new Evidence(
        "q?",
        List.of(
            new EvidenceSentence("One.", A, 0, 4, 0.9f),
            new EvidenceSentence("Three.", B, 0, 6, 0.8f)),
        6,
        30);
  }

  @Test
  void citesOnlySourcesOfTheEvidenceNumberedFromOne() {
    Answer a = answerer().answer("q?", evidence());
    assertEquals("q?", a.question());
    assertFalse(a.text().isBlank());
    assertFalse(a.foundNothing());
    Set<String> given = Set.of(A.source(), B.source());
    for (int i = 0; i < a.citations().size(); i++) {
      Citation c = a.citations().get(i);
      assertEquals(i + 1, c.n(), "citations are numbered 1..n in order");
      assertTrue(given.contains(c.source()), c.source() + " is not in the evidence");
    }
    for (int n : CitationMarkers.cited(a.text(), Integer.MAX_VALUE)) {
      assertTrue(n >= 1 && n <= a.citations().size(), "marker [" + n + "] names no citation");
    }
  }

  @Test
  void emptyEvidenceSaysNothingWasFoundCitesNothingAndStreamsThatSentence() {
    StringBuilder streamed = new StringBuilder();
    Answer a = answerer().answer("q?", Evidence.none("q?", 10), streamed::append);
    assertEquals(ExtractiveAnswerer.NOTHING_FOUND, a.text());
    assertTrue(a.foundNothing());
    assertEquals(ExtractiveAnswerer.NOTHING_FOUND, streamed.toString());
  }

  @Test
  void streamsTheTextItWrites() {
    StringBuilder streamed = new StringBuilder();
    Answer a = answerer().answer("q?", evidence(), streamed::append);
    assertFalse(streamed.isEmpty(), "nothing was streamed");
    // Markers may be renumbered after streaming; the words are the same.
    assertEquals(withoutMarkers(a.text()), withoutMarkers(streamed.toString()));
  }

  @Test
  void answersFromManyThreadsAtOnce() throws Exception {
    Answerer answerer = answerer();
    String expected = answerer.answer("q?", evidence()).text();
    try (var pool = Executors.newFixedThreadPool(4)) {
      List<Future<Answer>> results =
          pool.invokeAll(Collections.nCopies(8, () -> answerer.answer("q?", evidence())));
      Set<String> texts =
          results.stream()
              .map(
                  f -> {
                    try {
                      return f.get().text();
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                  })
              .collect(Collectors.toSet());
      assertEquals(Set.of(expected), texts);
    }
  }

  private static String withoutMarkers(String s) {
    return s.replaceAll("\\s*\\[\\d+]", "").strip();
  }
}
