package dev.fathom.behaviors.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.behaviors.curation.BehaviorListParser.Candidate;
import dev.fathom.behaviors.curation.BehaviorListParser.Parsed;
import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviorListParserTest {

  private static List<String> names(Parsed p) {
    return p.behaviors().stream().map(Candidate::name).toList();
  }

  @Test
  void readsTheRequestedFormat() {
    Parsed p =
        BehaviorListParser.parse(
            "behavior_compare_dates_across_sources: when sources give different dates, cite both\n"
                + "behavior_quote_the_span: quote the sentence that states the answer");
    assertEquals(
        List.of(
            new Candidate(
                "behavior_compare_dates_across_sources",
                "when sources give different dates, cite both"),
            new Candidate("behavior_quote_the_span", "quote the sentence that states the answer")),
        p.behaviors());
    assertEquals(List.of(), p.skipped());
  }

  @Test
  void toleratesNumberedListsBulletsMarkdownAndProse() {
    String messy =
        """
        Sure! Here are the behaviors I extracted from the reflection:

        ## Behaviors
        1. **behavior_check_units**: convert all quantities to one unit before comparing
        2) `behavior_cite_each_claim` - every sentence of the answer cites a source
        - behavior_prefer_primary_source → prefer the source closest to the event
        * Behavior Resolve Pronouns: replace pronouns in the question with the entity they name
        • BehaviorCountDistinctItems: list the items before counting them
        > behaviour_admit_missing_evidence — say the evidence does not answer when it does not

        These should help with similar questions in the future.
        """;
    Parsed p = BehaviorListParser.parse(messy);
    assertEquals(
        List.of(
            "behavior_check_units",
            "behavior_cite_each_claim",
            "behavior_prefer_primary_source",
            "behavior_resolve_pronouns",
            "behavior_count_distinct_items",
            "behavior_admit_missing_evidence"),
        names(p));
    assertEquals(
        "convert all quantities to one unit before comparing",
        p.behaviors().getFirst().instruction());
    assertEquals("every sentence of the answer cites a source", p.behaviors().get(1).instruction());
  }

  @Test
  void readsJsonStyleCodeFencesThinkBlocksAndNameOnTheLineBefore() {
    String messy =
        """
        <think>Maybe behavior_draft_idea: something I will not keep</think>
        ```json
        {
          "behavior_match_entity_types": "check the answer has the type the question asks for",
          "behavior_list_then_pick": "list candidate answers, then pick the best supported",
        }
        ```
        ### behavior_scan_titles_first
        Read the titles of the sources before their text.
        Behavior 4: behavior_state_assumptions: say which assumption the answer rests on
        """;
    Parsed p = BehaviorListParser.parse(messy);
    assertEquals(
        List.of(
            "behavior_match_entity_types",
            "behavior_list_then_pick",
            "behavior_scan_titles_first",
            "behavior_state_assumptions"),
        names(p));
    assertEquals(
        "check the answer has the type the question asks for",
        p.behaviors().getFirst().instruction());
    assertEquals(
        "Read the titles of the sources before their text.", p.behaviors().get(2).instruction());
    assertEquals("say which assumption the answer rests on", p.behaviors().get(3).instruction());
  }

  @Test
  void skipsMalformedEntriesWithAReasonEach() {
    String messy =
        "behavior_: empty name\n"
            + "behavior_no_instruction:\n"
            + "behavior_too_long: "
            + "x".repeat(500)
            + "\n"
            + "behavior_ok: fine\n"
            + "behavior_ok: again\n"
            + "Behavior extraction is a thing we did because it was asked by the user: yes\n";
    Parsed p = BehaviorListParser.parse(messy);
    assertEquals(List.of("behavior_ok"), names(p));
    assertEquals(5, p.skipped().size(), p.skipped().toString());
    assertTrue(p.skipped().get(0).contains("no name"), p.skipped().get(0));
    assertTrue(p.skipped().get(1).contains("no instruction"), p.skipped().get(1));
    assertTrue(p.skipped().get(2).contains("500 characters"), p.skipped().get(2));
    assertTrue(p.skipped().get(3).contains("repeats behavior_ok"), p.skipped().get(3));
    assertTrue(p.skipped().get(4).contains("prose"), p.skipped().get(4));
  }

  @Test
  void nonsenseGivesZeroBehaviorsAndOneReasonNeverAnException() {
    for (String nonsense :
        List.of(
            "Once upon a time, there was a little girl named Lily. She loved to play outside.",
            "behavior",
            "Behaviors:\n\n",
            ":::: --- \u0000 \uFFFD",
            "{\"behaviors\": []}")) {
      Parsed p = BehaviorListParser.parse(nonsense);
      assertEquals(List.of(), p.behaviors(), nonsense);
      assertEquals(1, p.skipped().size(), nonsense);
    }
    assertEquals(
        List.of("the strategist's output is empty"), BehaviorListParser.parse("  ").skipped());
    assertEquals(
        List.of("the strategist's output is empty"), BehaviorListParser.parse(null).skipped());
  }

  @Test
  void normalizesNamesToSnakeCase() {
    assertEquals("behavior_compare_dates", BehaviorListParser.normalizeName("Compare Dates"));
    assertEquals(
        "behavior_compare_dates", BehaviorListParser.normalizeName("behavior-compare-dates"));
    assertEquals(
        "behavior_use_iso_dates", BehaviorListParser.normalizeName("behaviour_UseIsoDates"));
    assertEquals("behavior", BehaviorListParser.normalizeName("behavior_"));
  }
}
