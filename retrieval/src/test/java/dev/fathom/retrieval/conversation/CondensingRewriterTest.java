package dev.fathom.retrieval.conversation;

import static dev.fathom.retrieval.conversation.Turns.answered;
import static dev.fathom.retrieval.conversation.Turns.window;
import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.memory.session.MemoryWindow;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import org.junit.jupiter.api.Test;

class CondensingRewriterTest {

  private static final MemoryWindow LEASE =
      window(answered(1, "When does the office lease end?", "On 31 May 2027. [1]", "Office lease"));

  @Test
  void theModelsQuestionIsSearchedAndThePromptFencesTheHistory() {
    ScriptedChatModel model = new ScriptedChatModel("Can the office lease be renewed?");
    QueryRewrite r =
        new CondensingRewriter(model, new SubjectRewriter()).rewrite("Can it be renewed?", LEASE);
    assertEquals("Can the office lease be renewed?", r.query());
    assertEquals("model", r.method());
    String user = model.chats.getFirst().get(1).content();
    assertTrue(user.contains("<<<\nUser: When does the office lease end?"), user);
    assertTrue(user.contains("(sources: Office lease)"), user);
    assertTrue(user.endsWith("Rewrite the last question as a standalone question."), user);
    assertEquals("system", model.chats.getFirst().get(0).role());
  }

  @Test
  void chattyRepliesAreCleaned() {
    assertEquals(
        "Can the office lease be renewed?",
        CondensingRewriter.clean(
            "Sure! Here is the rewritten question:\n\n**Standalone question:** \"Can the office lease be renewed?\"\n\nThis replaces 'it'."));
    assertEquals(
        "Can the office lease be renewed?",
        CondensingRewriter.clean("Rewritten question: Can the office lease be renewed?"));
    assertEquals(
        "the office lease renewal terms",
        CondensingRewriter.clean("  'the office lease renewal terms'  "));
    assertEquals("", CondensingRewriter.clean("\n  \n"));
  }

  @Test
  void anUnusableReplyFallsBackToTheSubjectRewrite() {
    QueryRewrite empty =
        new CondensingRewriter(new ScriptedChatModel("  "), new SubjectRewriter())
            .rewrite("Can it be renewed?", LEASE);
    assertEquals("subject-fallback", empty.method());
    assertEquals("Can Office lease be renewed?", empty.query());
    QueryRewrite rambling =
        new CondensingRewriter(new ScriptedChatModel("word ".repeat(200)), new SubjectRewriter())
            .rewrite("Can it be renewed?", LEASE);
    assertEquals("subject-fallback", rambling.method());
    QueryRewrite story =
        new CondensingRewriter(new ScriptedChatModel("and see all them."), new SubjectRewriter())
            .rewrite("When does it end?", LEASE);
    assertEquals(
        "subject-fallback", story.method(), "a reply that drops what was asked is not searched");
  }

  @Test
  void aRewriteMustKeepAContentWordOfTheQuestion() {
    assertTrue(
        CondensingRewriter.keepsTheQuestion(
            "When does it end?", "When does the office lease end?"));
    assertTrue(CondensingRewriter.keepsTheQuestion("Who renewed it?", "Who renews the lease?"));
    assertFalse(CondensingRewriter.keepsTheQuestion("When does it end?", "On 31 May 2027."));
    assertTrue(CondensingRewriter.keepsTheQuestion("Why?", "Why was the lease ended?"));
  }

  @Test
  void withoutHistoryTheModelIsNotAsked() {
    ScriptedChatModel model = new ScriptedChatModel("x?");
    assertEquals(
        "unchanged",
        new CondensingRewriter(model, new SubjectRewriter())
            .rewrite("What is BM25?", MemoryWindow.EMPTY)
            .method());
    assertTrue(model.chats.isEmpty());
  }
}
