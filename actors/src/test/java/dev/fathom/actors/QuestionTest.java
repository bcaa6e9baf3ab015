package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.SearchMode;
import org.junit.jupiter.api.Test;

class QuestionTest {

  @Test
  void rejectsBlankText() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new Question("r1", " \t\n", SearchMode.BM25, 5));
    assertTrue(e.getMessage().contains("blank"), e.getMessage());
  }

  @Test
  void rejectsTextOverTheLimitNamingLimitAndLength() {
    String text = "x".repeat(10_001);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new Question("r1", text, SearchMode.BM25, 5));
    assertTrue(e.getMessage().contains("10000"), e.getMessage());
    assertTrue(e.getMessage().contains("10001"), e.getMessage());
  }

  @Test
  void acceptsTextAtTheLimit() {
    assertDoesNotThrow(() -> new Question("r1", "x".repeat(10_000), SearchMode.DENSE, 1));
  }

  @Test
  void rejectsKOutsideOneToAThousandNamingTheValue() {
    var low =
        assertThrows(
            IllegalArgumentException.class, () -> new Question("r1", "why?", SearchMode.BM25, 0));
    assertTrue(low.getMessage().contains("1..1000") && low.getMessage().contains("got 0"));
    var high =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Question("r1", "why?", SearchMode.BM25, 1001));
    assertTrue(high.getMessage().contains("got 1001"), high.getMessage());
  }

  @Test
  void rejectsBlankRequestIdAndMissingMode() {
    assertThrows(
        IllegalArgumentException.class, () -> new Question(" ", "why?", SearchMode.BM25, 5));
    assertThrows(NullPointerException.class, () -> new Question("r1", "why?", null, 5));
  }
}
