package dev.fathom.retrieval.conversation;

import static dev.fathom.retrieval.conversation.Turns.answered;
import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.memory.session.MemoryBudget;
import dev.fathom.memory.session.MemoryFolder;
import dev.fathom.memory.session.SessionEvent;
import dev.fathom.memory.session.TokenCounter;
import dev.fathom.memory.session.Transcript;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageModelSummarizerTest {

  @Test
  void theModelWritesTheSummaryFromThePreviousOneAndTheFoldedTurns() {
    ScriptedChatModel model =
        new ScriptedChatModel("The user asked about the office lease; it ends on 31 May 2027.");
    String s =
        new LanguageModelSummarizer(model)
            .summarize(
                "Earlier: parking.",
                List.of(answered(1, "When does the lease end?", "On 31 May 2027.", "Lease")),
                50,
                TokenCounter.estimate());
    assertEquals("The user asked about the office lease; it ends on 31 May 2027.", s);
    String user = model.chats.getFirst().get(1).content();
    assertTrue(user.contains("Earlier: parking."), user);
    assertTrue(user.contains("User: When does the lease end?"), user);
    assertTrue(user.contains("at most 37 words"), user);
  }

  @Test
  void anEmptyReplyKeepsThePreviousSummary() {
    assertEquals(
        "kept",
        new LanguageModelSummarizer(new ScriptedChatModel(" "))
            .summarize("kept", List.of(answered(1, "q?", "a")), 50, TokenCounter.estimate()));
  }

  @Test
  void theFolderRecordsTheModelAsSummarizerAndCutsItsReplyToTheShare() {
    MemoryFolder folder =
        new MemoryFolder(
            new MemoryBudget(64, 0.25, 0.5),
            new LanguageModelSummarizer(new ScriptedChatModel("long ".repeat(100))),
            TokenCounter.estimate());
    Transcript t = Transcript.EMPTY;
    for (int i = 1; i <= 5; i++) {
      String q = "What is clause " + i + " of the office lease about, in a few words?";
      t =
          t.apply(new SessionEvent.TurnAsked(i, q, q, Instant.EPOCH))
              .apply(
                  new SessionEvent.TurnAnswered(
                      i,
                      "It is about rent review number " + i + ".",
                      List.of(),
                      List.of(),
                      Instant.EPOCH));
    }
    SessionEvent.SummaryUpdated fold = folder.fold(t, Instant.EPOCH).orElseThrow();
    assertEquals("scripted", fold.summarizer());
    assertTrue(folder.tokens(t.apply(fold).window()) <= 64);
  }
}
