package dev.fathom.behaviors.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviorCitationsTest {

  static final List<String> OFFERED =
      List.of("behavior_compare_dates", "behavior_quote_span", "behavior_admit_gaps");

  @Test
  void findsOfferedNamesWrittenLooselyInOrderOfFirstMention() {
    String answer =
        "Using **Behavior_Quote_Span** I found the sentence [1]. Then (compare_dates) shows 1871 is"
            + " later; behaviour-quote-span again. behavior_compare_dates.";
    assertEquals(
        List.of("behavior_quote_span", "behavior_compare_dates"),
        BehaviorCitations.cited(OFFERED, answer));
  }

  @Test
  void ignoresNamesNotOfferedAndPlainWords() {
    assertEquals(
        List.of(),
        BehaviorCitations.cited(
            OFFERED, "I compare dates and quote the span; behavior_invented_here helps."));
    assertEquals(List.of(), BehaviorCitations.cited(List.of(), "behavior_compare_dates"));
    assertEquals(List.of(), BehaviorCitations.cited(OFFERED, ""));
  }
}
