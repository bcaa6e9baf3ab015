package dev.fathom.behaviors.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.prompt.BehaviorLibrary.Offer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BehaviorPromptTest {

  static final Behavior B = Behavior.of("behavior_b_second", "do b", "");
  static final Behavior A = Behavior.of("behavior_a_first", "do a", "");

  @Test
  void sectionListsBehaviorsByNameSoTheSameSetGivesTheSamePrefix() {
    BehaviorPrompt p = new BehaviorPrompt(null);
    String s = p.section(List.of(B, A));
    assertEquals(s, p.section(List.of(A, B)));
    assertTrue(s.indexOf("behavior_a_first: do a") < s.indexOf("behavior_b_second: do b"), s);
    assertTrue(s.contains("name it as written"), s);
    assertEquals("", p.section(List.of()));
  }

  @Test
  void composePutsInstructionsThenBehaviorsThenEvidenceThenTheQuestionLast() {
    Offer offer = new Offer(List.of(A), new BehaviorPrompt(null).section(List.of(A)));
    String prompt = BehaviorPrompt.compose("INSTRUCTIONS", offer, "[1] T: evidence", "Why?");
    int i = prompt.indexOf("INSTRUCTIONS");
    int b = prompt.indexOf("behavior_a_first: do a");
    int e = prompt.indexOf("[1] T: evidence");
    int q = prompt.indexOf("Question: Why?");
    assertTrue(i == 0 && i < b && b < e && e < q, prompt);
    assertTrue(prompt.endsWith("Question: Why?"), prompt);
    assertEquals("SYS", BehaviorPrompt.systemMessage("SYS", Offer.NONE));
    assertEquals(
        "INSTRUCTIONS\n\n[1] T: evidence\n\nQuestion: Why?",
        BehaviorPrompt.compose("INSTRUCTIONS", Offer.NONE, "[1] T: evidence", "Why?"));
  }

  @Test
  void anOverrideDirectoryReplacesAPromptAndMustKeepItsPlaceholders(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("conditioned.txt"), "USE THESE:\n{{behaviors}}\n");
    assertEquals("USE THESE:\nbehavior_a_first: do a", new BehaviorPrompt(dir).section(List.of(A)));
    Files.writeString(dir.resolve("conditioned.txt"), "no placeholder {{other}}");
    var e = assertThrows(IllegalArgumentException.class, () -> new BehaviorPrompt(dir));
    assertTrue(e.getMessage().contains("[behaviors]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PromptTemplate.load("reflect.txt", null, Set.of("question")));
  }
}
