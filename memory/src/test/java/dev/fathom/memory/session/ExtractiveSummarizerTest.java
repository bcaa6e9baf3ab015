package dev.fathom.memory.session;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveSummarizerTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static Turn turn(int n, String q, String a) {
    return Turn.asked(n, q, q, T0).answered(a, List.of(), List.of(), T0);
  }

  @Test
  void keepsTheSentencesAboutTheRecurringSubjectWithinBudget() {
    List<Turn> turns =
        List.of(
            turn(
                1,
                "When does the office lease end?",
                "The office lease ends on 31 May 2027. [1] Parking is free on Sundays. [2]"),
            turn(
                2,
                "Can the lease be renewed?",
                "The lease can be renewed once for five years. [1]"));
    String summary = new ExtractiveSummarizer().summarize("", turns, 30, TokenCounter.estimate());
    assertTrue(TokenCounter.estimate().count(summary) <= 30, summary);
    assertTrue(summary.contains("lease ends on 31 May 2027"), summary);
    assertFalse(summary.contains("Parking"), "the off-subject sentence is dropped: " + summary);
    assertFalse(summary.contains("[1]"), "citation marks are not summary text: " + summary);
  }

  @Test
  void keepsConversationOrder() {
    List<Turn> turns =
        List.of(
            turn(
                1, "Who founded the harbour trust?", "The harbour trust was founded by Ada Byrne."),
            turn(
                2,
                "When was the harbour trust founded?",
                "The harbour trust was founded in 1901."));
    String summary = new ExtractiveSummarizer().summarize("", turns, 200, TokenCounter.estimate());
    assertTrue(summary.indexOf("Ada Byrne") < summary.indexOf("1901"), summary);
  }

  @Test
  void tokenEstimateCountsWordsOrQuarterCharacters() {
    TokenCounter c = TokenCounter.estimate();
    assertEquals(0, c.count(""));
    assertEquals(5, c.count("a b c d e"));
    assertEquals(6, c.count("internationalisations"));
  }
}
