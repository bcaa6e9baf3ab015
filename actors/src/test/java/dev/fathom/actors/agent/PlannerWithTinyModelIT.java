package dev.fathom.actors.agent;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.SearchMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent loop on the in-JVM engine with TinyStories 260K (a 512-token context). The model only
 * tells stories, so its own plan is whatever it writes; a second run gives it a two-question plan
 * and lets it compose for real over the sub-answers' passages. Mechanics, not quality.
 */
class PlannerWithTinyModelIT {

  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");
  static LanguageModel model;
  static final ActorTestKit kit = ActorTestKit.create();

  @BeforeAll
  static void open() throws Exception {
    model = LocalLanguageModel.open(STORIES, new EngineSettings(2, 0, null));
  }

  @AfterAll
  static void close() {
    kit.shutdownTestKit();
    model.close();
  }

  private static final PlannerActor.Pipeline PIPELINE =
      (q, stream) -> {
        String text = "Lily found a " + q.text().split(" ")[2] + " in the park. [1]";
        Citation c =
            new Citation(
                1,
                q.requestId() + ".txt",
                "Park story",
                0,
                40,
                "Lily went to the park. "
                    + "She found a big red ball under the tree and played with her dog.");
        return CompletableFuture.completedFuture(
            new QuestionResult.Answered(
                q.requestId(), new Answer(q.text(), text, List.of(c), Map.of())));
      };

  private static AgentResult ask(LanguageModel m) throws Exception {
    return new AgentService(
            kit.system(),
            new PlannerActor.Deps(PIPELINE, m, AgentBudget.DEFAULT),
            Duration.ofSeconds(120))
        .ask(
            new Question(
                "tiny", "What did Lily find and who played with her?", SearchMode.HYBRID, 5),
            TokenListener.NONE,
            AgentListener.NONE)
        .toCompletableFuture()
        .get();
  }

  @Test
  void theModelsOwnPlanIsReadAndTheQuestionAnswered() throws Exception {
    AgentResult r = ask(model);
    assertInstanceOf(QuestionResult.Answered.class, r.result(), r.toString());
    AgentStep plan = r.steps().getFirst();
    assertEquals("decompose", plan.kind());
    assertTrue(plan.tokens() > 10, "the engine reported its prompt: " + plan);
    assertTrue(r.tokens() <= AgentBudget.DEFAULT.maxTokens() + 1024, r.toString());
  }

  @Test
  void aComposedAnswerFitsTheContextAndCitesOnlyGivenPassages() throws Exception {
    LanguageModel planned =
        new LanguageModel() {
          @Override
          public String name() {
            return model.name();
          }

          @Override
          public int contextLength() {
            return model.contextLength();
          }

          @Override
          public Generation complete(String p, GenerationSettings s, TokenListener l) {
            return model.complete(p, s, l);
          }

          @Override
          public Generation chat(List<ChatMessage> chat, GenerationSettings s, TokenListener l) {
            if (chat.getFirst().content().startsWith("You plan research")) {
              String plan = "1. What did Lily find?\n2. Who played with Lily?";
              return new Generation(
                  plan, new int[0], new int[0], Generation.StopReason.EOS, 1, 0, 0);
            }
            return model.chat(chat, s, l);
          }

          @Override
          public void close() {}
        };
    AgentResult r = ask(planned);
    assertEquals(
        List.of("decompose", "sub-question", "sub-question", "compose"),
        r.steps().stream().map(AgentStep::kind).toList());
    AgentStep compose = r.steps().getLast();
    assertTrue(compose.tokens() > 50, "a real prompt was processed: " + compose);
    assertTrue(
        compose.tokens() <= model.contextLength(),
        "prompt and reply fit the " + model.contextLength() + "-token context: " + compose);
    var a = assertInstanceOf(QuestionResult.Answered.class, r.result()).answer();
    for (Citation c : a.citations()) {
      assertTrue(c.n() >= 1 && c.n() <= 2, "cites only the two passages given: " + c);
    }
  }
}
