package dev.fathom.retrieval.conversation;

import static dev.fathom.retrieval.conversation.Turns.answered;
import static dev.fathom.retrieval.conversation.Turns.window;
import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.memory.session.MemoryBudget;
import dev.fathom.memory.session.MemoryFolder;
import dev.fathom.memory.session.SessionEvent;
import dev.fathom.memory.session.TokenCounter;
import dev.fathom.memory.session.Transcript;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model-backed rewrite and summary end to end on the real in-JVM engine with TinyStories 260K
 * (../shared/models). The model writes stories, not questions, so this checks the plumbing — the
 * prompts fit its context, replies are cleaned or rejected, the budget holds — and says nothing
 * about rewrite quality, which needs a real instruction-tuned model.
 */
class ConversationWithTinyModelIT {

  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");

  static LocalLanguageModel model;

  @BeforeAll
  static void load() throws Exception {
    model = LocalLanguageModel.open(STORIES, new EngineSettings(2, 0, null));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void theCondensingRewriteGivesAUsableQueryOrFallsBack() {
    QueryRewrite r =
        new CondensingRewriter(model, new SubjectRewriter())
            .rewrite(
                "When does it end?",
                window(answered(1, "What does the lease say about pets?", "No pets.", "Lease")));
    System.out.println("stories260K rewrite: " + r);
    assertTrue(Set.of("model", "subject-fallback").contains(r.method()), r.method());
    assertFalse(r.query().isBlank());
    assertFalse(r.query().contains("\n"), r.query());
    assertTrue(r.query().length() <= 4 * "When does it end?".length() + 200, r.query());
    // Whatever the model writes, what is searched still asks about the end.
    assertTrue(r.query().toLowerCase(java.util.Locale.ROOT).contains("end"), r.query());
    if (r.method().equals("subject-fallback")) assertEquals("When does Lease end?", r.query());
  }

  @Test
  void modelSummariesKeepTheMemoryWithinBudget() {
    MemoryFolder folder =
        new MemoryFolder(
            new MemoryBudget(120, 0.25, 0.5),
            new LanguageModelSummarizer(model),
            TokenCounter.estimate());
    Transcript t = Transcript.EMPTY;
    int folds = 0;
    for (int i = 1; i <= 8; i++) {
      String q = "What happened to the little dog in part " + i + " of the story?";
      t =
          t.apply(new SessionEvent.TurnAsked(i, q, q, Instant.EPOCH))
              .apply(
                  new SessionEvent.TurnAnswered(
                      i,
                      "The dog found a red ball in the park and played. [1]",
                      List.of(),
                      List.of(),
                      Instant.EPOCH));
      var fold = folder.fold(t, Instant.EPOCH);
      if (fold.isPresent()) {
        assertEquals("stories260K.gguf", fold.get().summarizer());
        t = t.apply(fold.get());
        folds++;
      }
      assertTrue(folder.tokens(t.window()) <= 120, "turn " + i + ": " + folder.tokens(t.window()));
    }
    assertTrue(folds >= 1, "8 turns of about 30 tokens overflow 120 tokens");
  }
}
