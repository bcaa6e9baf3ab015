package dev.fathom.behaviors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.behaviors.curation.BehaviorCurator;
import dev.fathom.behaviors.curation.MetacognitiveStrategist;
import dev.fathom.behaviors.eval.BehaviorMetrics;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.prompt.BehaviorLibrary.Offer;
import dev.fathom.behaviors.prompt.BehaviorPrompt;
import dev.fathom.behaviors.prompt.DefaultBehaviorLibrary;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke test of curation and BCI through the in-JVM engine with stories260K (a 260K-parameter
 * story model with a 512-token context: it writes children's stories whatever it is asked). It
 * cannot follow instructions, so this checks the machinery only: prompts are built and fit, tokens
 * are counted, and nonsense output gives zero behaviors with a reason, never an exception.
 */
class StoriesSmokeIT {

  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf")
          .normalize();

  static LocalLanguageModel model;

  @BeforeAll
  static void load() throws Exception {
    assumeTrue(
        Files.isRegularFile(STORIES),
        "test model " + STORIES + " is absent (see ../shared/models)");
    model = LocalLanguageModel.open(STORIES, new EngineSettings(2, 0, null));
  }

  @AfterAll
  static void close() {
    if (model != null) model.close();
  }

  @Test
  void behaviorConditionedAnswerAndCurationRunWithoutCrashing(@TempDir Path dir) throws Exception {
    BehaviorMetrics metrics = new BehaviorMetrics();
    try (Handbook handbook =
        Handbook.open(dir.resolve("h"), TestEmbedder.shared(), Handbook.Settings.defaults())) {
      handbook.add(Behavior.of("behavior_tell_the_ending", "Say how the story ends.", ""));
      handbook.add(
          Behavior.of("behavior_convert_units", "Convert quantities to one unit first.", ""));
      var library =
          new DefaultBehaviorLibrary(
              handbook, DefaultBehaviorLibrary.Settings.forContext(model.contextLength()), metrics);

      // BCI: a 512-token context leaves 64 tokens of behaviors — room for one or two.
      Offer offer = library.offer("How did the story of Lily end?", Set.of());
      assertFalse(offer.behaviors().isEmpty());
      assertTrue(offer.section().contains("behavior_tell_the_ending"), offer.section());
      String system = BehaviorPrompt.systemMessage("Answer the question.", offer);
      Generation g =
          model.chat(
              List.of(
                  ChatMessage.system(system),
                  ChatMessage.user(
                      "[1] Lily: Lily played with a red ball.\n\nQuestion: What did Lily play with?")),
              GenerationSettings.GREEDY.withMaxTokens(40),
              t -> {});
      assertTrue(g.promptTokenCount() > 0 && g.generatedTokenCount() > 0);
      var cited = library.recordAnswer(offer, g.text());
      Trace trace =
          Trace.of(
                  "smoke-1",
                  model.name(),
                  "What did Lily play with?",
                  List.of(new Trace.Source(1, "Lily", "Lily played with a red ball.")),
                  g.text(),
                  List.of(),
                  g.promptTokenCount(),
                  g.generatedTokenCount())
              .withBehaviors(offer.names(), cited.names());

      // Curation with prompts short enough for a 512-token context (the override directory).
      Path prompts = dir.resolve("prompts");
      Files.createDirectories(prompts);
      Files.writeString(
          prompts.resolve("reflect.txt"),
          "Q: {{question}}\nE: {{evidence}}\nA: {{answer}}\nF: {{feedback}}\nWas it right?");
      Files.writeString(
          prompts.resolve("extract.txt"),
          "Q: {{question}}\nA: {{answer}}\nR: {{reflection}}\nList behaviors:");
      var strategist =
          new MetacognitiveStrategist(
              model,
              new MetacognitiveStrategist.Settings(
                  GenerationSettings.GREEDY.withMaxTokens(48), prompts));
      BehaviorCurator curator = new BehaviorCurator(strategist, handbook, metrics);
      var curation = curator.curate(trace);
      assertNull(curation.proposal().failure());
      assertFalse(curation.proposal().extraction().isEmpty());
      assertEquals(List.of(), curation.proposal().behaviors(), curation.proposal().extraction());
      assertFalse(curation.proposal().skipped().isEmpty(), "a reason is given for zero behaviors");
      assertEquals(2, handbook.size());
      assertTrue(curation.proposal().completionTokens() > 0);

      // The built-in prompts are too long for this model's context: a reason, not an exception.
      var defaults =
          new BehaviorCurator(
              new MetacognitiveStrategist(
                  model,
                  new MetacognitiveStrategist.Settings(
                      GenerationSettings.GREEDY.withMaxTokens(48), null)),
              handbook,
              metrics);
      var tooLong = defaults.propose(trace);
      assertTrue(
          tooLong.failure() != null || !tooLong.skipped().isEmpty(),
          "either the prompt did not fit (a failure) or the output parsed to nothing (a reason)");
      assertEquals(List.of(), tooLong.behaviors());
    }
  }
}
