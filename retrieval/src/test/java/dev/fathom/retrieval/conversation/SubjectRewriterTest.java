package dev.fathom.retrieval.conversation;

import static dev.fathom.retrieval.conversation.Turns.answered;
import static dev.fathom.retrieval.conversation.Turns.window;
import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.memory.session.MemoryWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectRewriterTest {

  private final SubjectRewriter rewriter = new SubjectRewriter();

  @Test
  void withoutHistoryTheQuestionIsSearchedAsItIs() {
    QueryRewrite r = rewriter.rewrite("When does it end?", MemoryWindow.EMPTY);
    assertEquals("When does it end?", r.query());
    assertEquals("unchanged", r.method());
  }

  @Test
  void thePronounBecomesTheCitedTitleTheUserNamed() {
    MemoryWindow h =
        window(
            answered(
                1,
                "Which network broadcast Super Bowl 50 in the U.S.?",
                "CBS. [1]",
                "Super Bowl 50",
                "CBS"));
    QueryRewrite r = rewriter.rewrite("How many fumbles did Von Miller force in it?", h);
    assertEquals("How many fumbles did Von Miller force in Super Bowl 50?", r.query());
    assertEquals("subject", r.method());
  }

  @Test
  void possessivePronounsBecomePossessives() {
    MemoryWindow h = window(answered(1, "When was Nikola Tesla born?", "In 1856.", "Nikola Tesla"));
    assertEquals(
        "What was Nikola Tesla's first job?",
        rewriter.rewrite("What was his first job?", h).query());
  }

  @Test
  void withoutAMatchingTitleTheQuestionsNamedPhraseIsTheSubject() {
    MemoryWindow h =
        window(
            answered(
                1,
                "When does the lease of the Harbour View Office end?",
                "On 31 May.",
                "misc.pdf"));
    assertEquals(
        "Can Harbour View Office be renewed?", rewriter.rewrite("Can it be renewed?", h).query());
  }

  @Test
  void fileNameTitlesAreCleaned() {
    MemoryWindow h =
        window(
            answered(
                1,
                "what does the office lease say about parking?",
                "Free on Sundays.",
                "office_lease.pdf"));
    assertEquals("When does office lease end?", rewriter.rewrite("When does it end?", h).query());
  }

  @Test
  void aFollowUpWithoutPronounGetsTheSubjectAppendedUnlessItNamesIt() {
    MemoryWindow h =
        window(answered(1, "Who founded Apple Inc.?", "Steve Jobs and others.", "Apple Inc."));
    assertEquals(
        "And the headquarters? Apple Inc.", rewriter.rewrite("And the headquarters?", h).query());
    QueryRewrite named = rewriter.rewrite("Where is Apple headquartered, Apple Inc.?", h);
    assertEquals("unchanged", named.method());
  }

  @Test
  void theNewestTurnThatNamesASubjectWins() {
    MemoryWindow h =
        window(
            answered(
                1, "Who designed the Eiffel Tower?", "Gustave Eiffel's company.", "Eiffel Tower"),
            answered(2, "How tall is the Statue of Liberty?", "93 m.", "Statue of Liberty"));
    assertEquals(
        "When was Statue of Liberty built?", rewriter.rewrite("When was it built?", h).query());
  }

  @Test
  void thePronounThatAgreesWithTheSubjectIsReplaced() {
    MemoryWindow bowl =
        window(answered(1, "Where was Super Bowl 50 played?", "Santa Clara.", "Super Bowl 50"));
    assertEquals(
        "How many times had the Broncos played by the time they reached Super Bowl 50?",
        rewriter
            .rewrite("How many times had the Broncos played by the time they reached it?", bowl)
            .query());
    MemoryWindow normans =
        window(answered(1, "Where did the Normans come from?", "Normandy.", "Normans"));
    assertEquals(
        "When did Normans gain their identity from it?",
        rewriter.rewrite("When did they gain their identity from it?", normans).query());
  }

  @Test
  void namesAreCapitalisedRunsWithJoinersAndNumbers() {
    assertEquals(
        List.of("University of Chicago", "Super Bowl 50"),
        SubjectRewriter.names("Which University of Chicago team watched Super Bowl 50?"));
    assertEquals(List.of(), SubjectRewriter.names("What is it?"));
  }

  @Test
  void aBlankQuestionIsRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> rewriter.rewrite(" ", MemoryWindow.EMPTY));
    assertTrue(e.getMessage().contains("non-blank"), e.getMessage());
  }
}
