package dev.fathom.behaviors.curation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.behaviors.testing.ScriptedLanguageModel;
import dev.fathom.behaviors.trace.Feedback;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.lm.GenerationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetacognitiveStrategistTest {

  static Trace trace() {
    return Trace.of(
            "req-7",
            "scripted",
            "When did the war end?",
            List.of(new Trace.Source(1, "War", "The war ended in 1871.")),
            "It ended in 1870 [1].",
            List.of(1),
            30,
            6)
        .withFeedback(new Feedback(1, false, "the source says 1871"));
  }

  @Test
  void reflectsOnTheTraceThenExtractsFromTheReflection() {
    ScriptedLanguageModel model =
        new ScriptedLanguageModel(
            prompt ->
                prompt.contains("Reflect briefly")
                    ? "The answer misread the year."
                    : "behavior_reread_numbers: reread numbers against the source");
    var out =
        new MetacognitiveStrategist(model, MetacognitiveStrategist.Settings.defaults())
            .run(trace());
    assertEquals("The answer misread the year.", out.reflection());
    assertEquals("behavior_reread_numbers: reread numbers against the source", out.extraction());
    assertEquals(2, model.prompts.size());
    String reflect = model.prompts.get(0);
    assertTrue(reflect.contains("Question: When did the war end?"), reflect);
    // The trace's evidence is retrieved text: fenced and labelled as data, never bare.
    assertTrue(
        reflect.contains(
            dev.fathom.retrieval.text.EvidenceFence.quote(1, "War", "The war ended in 1871.")),
        reflect);
    assertTrue(reflect.contains(dev.fathom.retrieval.text.EvidenceFence.INSTRUCTION), reflect);
    assertFalse(reflect.contains("[1] War: The war ended in 1871."), reflect);
    assertTrue(reflect.contains("It ended in 1870 [1]."), reflect);
    assertTrue(reflect.contains("rating 1/5, marked wrong: the source says 1871"), reflect);
    assertTrue(model.prompts.get(1).contains("The answer misread the year."), model.prompts.get(1));
    assertEquals(5 + 6, out.completionTokens());
  }

  @Test
  void clipsLongEvidenceToFitASmallContext() {
    Trace big =
        Trace.of(
            "r",
            "m",
            "q?",
            List.of(new Trace.Source(1, "T", "word ".repeat(5000))),
            "a",
            List.of(),
            0,
            0);
    ScriptedLanguageModel model = new ScriptedLanguageModel(p -> "nothing", 512);
    var settings =
        new MetacognitiveStrategist.Settings(GenerationSettings.GREEDY.withMaxTokens(64), null);
    new MetacognitiveStrategist(model, settings).run(big);
    // (512 − 64) × 2 characters of budget, less than the 25,000 of evidence.
    assertTrue(model.prompts.get(0).length() < 2000, "prompt of " + model.prompts.get(0).length());
  }

  @Test
  void promptsCanBeOverriddenFromADirectory(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("reflect.txt"), "R {{question}} {{evidence}} {{answer}} {{feedback}}");
    ScriptedLanguageModel model = new ScriptedLanguageModel(p -> "ok");
    new MetacognitiveStrategist(
            model, new MetacognitiveStrategist.Settings(GenerationSettings.GREEDY, dir))
        .run(trace());
    assertTrue(model.prompts.get(0).startsWith("R When did the war end?"), model.prompts.get(0));
    assertTrue(model.prompts.get(1).contains("Turn the reusable procedures"), "built-in extract");
  }
}
