package dev.fathom.behaviors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.behaviors.curation.BehaviorCurator;
import dev.fathom.behaviors.curation.BehaviorCurator.Curation;
import dev.fathom.behaviors.curation.MetacognitiveStrategist;
import dev.fathom.behaviors.curation.SelfImprovement;
import dev.fathom.behaviors.eval.BehaviorEvaluation;
import dev.fathom.behaviors.eval.BehaviorEvaluation.Answered;
import dev.fathom.behaviors.eval.BehaviorMetrics;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.handbook.Handbook.Outcome;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.behaviors.prompt.BehaviorLibrary.Offer;
import dev.fathom.behaviors.prompt.BehaviorPrompt;
import dev.fathom.behaviors.prompt.DefaultBehaviorLibrary;
import dev.fathom.behaviors.testing.ScriptedLanguageModel;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.behaviors.trace.TraceStore;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.eval.BeirDataset.Query;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with a scripted strategist and answerer, through the real Lucene handbook and the
 * real all-MiniLM-L6-v2 embedder: answers leave traces, traces become behaviors, duplicates merge,
 * behaviors are offered in the right place of the next prompt, and the ones cited are counted.
 */
class BehaviorLoopIT {

  static final String INSTRUCTIONS = "Answer from the numbered evidence and cite it as [n].";
  static final String EVIDENCE =
      "[1] Treaty: The war ended with the treaty of 1871.\n[2] Chronicle: Fighting ceased in 1870.";

  /** The strategist: reflects, then extracts per question (duplicates across traces on purpose). */
  static String strategist(String prompt) {
    if (prompt.contains("Reflect briefly")) {
      return "The sources disagree on the year; the answer should have compared them.";
    }
    if (prompt.contains("When did the war end?")) {
      return "Here are the behaviors:\n"
          + "1. **behavior_compare_dates**: When sources give different dates, cite both and say"
          + " which is later.\n"
          + "2. behavior_quote_span - Quote the sentence that states the answer.\n"
          + "Hope this helps!";
    }
    return "- behavior_cite_conflicting_dates: If the sources disagree on a date, cite both of them"
        + " and say which date is later.\n"
        + "- behavior_convert_units: Convert all quantities to one unit before comparing them.";
  }

  /** The answer model: cites the date behavior when it was offered. */
  static String answerer(String prompt) {
    if (prompt.contains("behavior_compare_dates:")) {
      return "The sources disagree (behavior_compare_dates): 1871 [1] is later than 1870 [2].";
    }
    return "The war ended in 1870 [2].";
  }

  /** A minimal answer stage, as the integrator's will be: offer → prompt → generate → record. */
  record Stage(ScriptedLanguageModel model, BehaviorLibrary library) {
    Trace answer(String id, String question, Offer offer) {
      String system = BehaviorPrompt.systemMessage(INSTRUCTIONS, offer);
      String user = EVIDENCE + "\n\nQuestion: " + question;
      Generation g =
          model.chat(
              List.of(ChatMessage.system(system), ChatMessage.user(user)),
              GenerationSettings.GREEDY,
              t -> {});
      var cited = library.recordAnswer(offer, g.text());
      return Trace.of(
              id,
              model.name(),
              question,
              List.of(
                  new Trace.Source(1, "Treaty", "The war ended with the treaty of 1871."),
                  new Trace.Source(2, "Chronicle", "Fighting ceased in 1870.")),
              g.text(),
              List.of(2),
              g.promptTokenCount(),
              g.generatedTokenCount())
          .withBehaviors(offer.names(), cited.names());
    }
  }

  @Test
  void tracesBecomeBehaviorsThatAreOfferedBeforeTheEvidenceAndCounted(@TempDir Path dir) {
    BehaviorMetrics metrics = new BehaviorMetrics();
    ScriptedLanguageModel strategistModel = new ScriptedLanguageModel(BehaviorLoopIT::strategist);
    ScriptedLanguageModel answerModel = new ScriptedLanguageModel(BehaviorLoopIT::answerer);
    try (Handbook handbook =
        Handbook.open(
            dir.resolve("behaviors"), TestEmbedder.shared(), Handbook.Settings.defaults())) {
      var library =
          new DefaultBehaviorLibrary(
              handbook, DefaultBehaviorLibrary.Settings.forContext(4096), metrics);
      var curator =
          new BehaviorCurator(
              new MetacognitiveStrategist(
                  strategistModel, MetacognitiveStrategist.Settings.defaults()),
              handbook,
              metrics);
      Stage stage = new Stage(answerModel, library);
      TraceStore traces = TraceStore.open(dir.resolve("traces"));

      // 1. Answers with an empty handbook: nothing offered; traces are stored.
      assertEquals(Offer.NONE, library.offer("When did the war end?", Set.of()));
      traces.append(stage.answer("q1", "When did the war end?", Offer.NONE));
      traces.append(stage.answer("q2", "When was the treaty signed?", Offer.NONE));

      // 2. Curation off the answer path: two traces, four proposals, one reworded duplicate.
      List<Curation> curations = traces.readAll().stream().map(curator::curate).toList();
      assertEquals(2, curations.get(0).added());
      assertEquals(Outcome.MERGED_SIMILAR, curations.get(1).changes().get(0).outcome());
      assertEquals(Outcome.ADDED, curations.get(1).changes().get(1).outcome());
      assertEquals(
          List.of("behavior_compare_dates", "behavior_convert_units", "behavior_quote_span"),
          handbook.list().stream().map(Behavior::name).toList());
      assertEquals(
          List.of("q1", "q2"), handbook.get("behavior_compare_dates").orElseThrow().provenance());

      // 3. Behavior-conditioned answer: behaviors after the instructions, before the evidence,
      //    question last; the cited behavior is counted.
      Offer offer = library.offer("In which year did the war end?", Set.of());
      assertTrue(offer.names().contains("behavior_compare_dates"), offer.names().toString());
      Trace conditioned = stage.answer("q3", "In which year did the war end?", offer);
      String prompt = answerModel.prompts.getLast();
      int instructions = prompt.indexOf(INSTRUCTIONS);
      int behavior = prompt.indexOf("behavior_compare_dates: When sources give different dates");
      int evidence = prompt.indexOf("[1] Treaty:");
      int question = prompt.indexOf("Question: In which year did the war end?");
      assertTrue(
          instructions == 0
              && instructions < behavior
              && behavior < evidence
              && evidence < question,
          prompt);
      assertTrue(prompt.endsWith("Question: In which year did the war end?"), prompt);
      assertEquals(List.of("behavior_compare_dates"), conditioned.behaviorsCited());
      assertEquals(1, handbook.get("behavior_compare_dates").orElseThrow().uses());
      assertEquals(0, handbook.get("behavior_quote_span").orElseThrow().uses());

      var counts = metrics.snapshot();
      assertEquals(4, counts.mined());
      assertEquals(1, counts.merged());
      assertEquals(offer.behaviors().size(), counts.offered());
      assertEquals(1, counts.cited());

      // 4. The evaluation through the same stage, without and with the handbook.
      var report =
          BehaviorEvaluation.run(
              List.of(new Query("e1", "When did the war end?", List.of("1871"))),
              q -> answered(stage.answer("b-" + q.id(), q.text(), Offer.NONE)),
              q ->
                  answered(
                      stage.answer("h-" + q.id(), q.text(), library.offer(q.text(), Set.of()))));
      assertEquals(0.0, report.without().containment());
      assertEquals(1.0, report.with().containment());
      assertEquals(1, report.with().cited());
    }
  }

  static Answered answered(Trace t) {
    return new Answered(t.text(), t.completionTokens(), t.behaviorsOffered(), t.behaviorsCited());
  }

  @Test
  void selfImprovementAnswersAgainWithTheBehaviorsOfItsOwnTrace(@TempDir Path dir) {
    BehaviorMetrics metrics = new BehaviorMetrics();
    ScriptedLanguageModel answerModel = new ScriptedLanguageModel(BehaviorLoopIT::answerer);
    try (Handbook handbook =
        Handbook.open(dir, TestEmbedder.shared(), Handbook.Settings.defaults())) {
      var library =
          new DefaultBehaviorLibrary(
              handbook, DefaultBehaviorLibrary.Settings.forContext(4096), metrics);
      var curator =
          new BehaviorCurator(
              new MetacognitiveStrategist(
                  new ScriptedLanguageModel(BehaviorLoopIT::strategist),
                  MetacognitiveStrategist.Settings.defaults()),
              handbook,
              metrics);
      Stage stage = new Stage(answerModel, library);
      var result =
          new SelfImprovement(curator, new BehaviorPrompt(null))
              .improve(offer -> stage.answer("s1", "When did the war end?", offer));
      assertEquals("The war ended in 1870 [2].", result.first().text());
      assertNotNull(result.second());
      assertEquals(
          List.of("behavior_compare_dates", "behavior_quote_span"),
          result.second().behaviorsOffered());
      assertTrue(result.second().text().contains("1871"), result.second().text());
      assertEquals(result.second(), result.best());
      assertEquals(0, handbook.size(), "self-improvement does not write the handbook");

      var none =
          new SelfImprovement(
                  new BehaviorCurator(
                      new MetacognitiveStrategist(
                          new ScriptedLanguageModel(p -> "I have no behaviors to offer."),
                          MetacognitiveStrategist.Settings.defaults()),
                      handbook,
                      metrics),
                  new BehaviorPrompt(null))
              .improve(offer -> stage.answer("s2", "When did the war end?", offer));
      assertNull(none.second());
      assertEquals(1, none.proposal().skipped().size());
    }
  }
}
