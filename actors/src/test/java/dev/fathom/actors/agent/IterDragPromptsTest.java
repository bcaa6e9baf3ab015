package dev.fathom.actors.agent;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.answer.Citation;
import java.util.List;
import org.junit.jupiter.api.Test;

class IterDragPromptsTest {

  @Test
  void subQuestionsAreReadFromListsLabelsAndChatter() {
    String reply =
        """
        Sure! Here are the questions:
        1. Who directed the film Jaws?
        2) When was that director born? He is famous.
        - Follow up: Where was he born?
        Follow up: Who directed the film Jaws?
        Where?
        This line asks nothing.
        """;
    assertEquals(
        List.of(
            "Who directed the film Jaws?", "When was that director born?", "Where was he born?"),
        IterDragPrompts.subQuestions(
            reply, "How old was the director of Jaws when it came out?", 4));
  }

  @Test
  void noneTheQuestionItselfOrTheStepLimitBoundTheSubQuestions() {
    assertEquals(List.of(), IterDragPrompts.subQuestions("NONE", "What is X?", 4));
    assertEquals(List.of(), IterDragPrompts.subQuestions("and see all them.", "What is X?", 4));
    assertEquals(List.of(), IterDragPrompts.subQuestions("1. what is the X?", "What is the X?", 4));
    assertEquals(
        List.of("Who is A here?"),
        IterDragPrompts.subQuestions("Who is A here?\nWho is B here?", "Q about A and B?", 1));
  }

  @Test
  void composedMarkersKeepThePromptsNumbersAndUnknownOnesAreDropped() {
    List<Citation> passages =
        IterDragPrompts.union(
            List.of(
                List.of(new Citation(1, "a.txt", "A", 0, 5, "alpha"), cite(2, "b.txt", "B")),
                List.of(cite(1, "b.txt", "B"), cite(2, "c.txt", "C"))));
    assertEquals(3, passages.size(), "b.txt once");
    assertEquals(List.of(1, 2, 3), passages.stream().map(Citation::n).toList());
    var c = IterDragPrompts.cite("C says so [3], A agrees [1][9].", passages);
    assertEquals("C says so [3], A agrees [1].", c.text());
    assertEquals(List.of("a.txt", "c.txt"), c.citations().stream().map(Citation::source).toList());
    assertEquals(3, c.citations().get(1).n());
  }

  @Test
  void theComposingPromptFitsItsCharacterBudget() {
    List<Citation> many = new java.util.ArrayList<>();
    for (int i = 1; i <= 50; i++)
      many.add(new Citation(i, "d" + i, "T" + i, 0, 1, "x ".repeat(500)));
    var prompt = IterDragPrompts.compose("Why?", List.of(), many, 3000);
    String user = prompt.get(1).content();
    assertTrue(user.length() <= 3000, "prompt of " + user.length() + " chars");
    assertTrue(user.contains("[1] T1: "), user);
    assertTrue(user.endsWith("Question: Why?"), user);
  }

  private static Citation cite(int n, String source, String title) {
    return new Citation(n, source, title, 10, 20, "passage of " + source);
  }
}
