package dev.fathom.behaviors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.behaviors.testing.ScriptedLanguageModel;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's path: traces and handbook under one data directory, kept across runs. */
class BehaviorModuleIT {

  @Test
  void minesStoredTracesIntoAHandbookThatTheNextRunOffers(@TempDir Path data) throws Exception {
    var settings = BehaviorModule.Settings.defaults(data, 4096);
    var strategist =
        new ScriptedLanguageModel(
            p ->
                p.contains("Reflect briefly")
                    ? "Reusable: check the year in every source."
                    : "behavior_check_every_year: check the year each source gives before answering");
    try (BehaviorModule m = BehaviorModule.open(settings, TestEmbedder.shared())) {
      m.traces()
          .append(Trace.of("r1", "m", "When did it end?", List.of(), "In 1870.", List.of(), 5, 2));
      var curator = m.curator(strategist, GenerationSettings.GREEDY);
      m.traces().readAll().forEach(curator::curate); // fathom behaviors mine
      assertEquals(1, m.metrics().snapshot().mined());
    }
    assertTrue(Files.isRegularFile(data.resolve("traces").resolve("traces.jsonl")));
    try (BehaviorModule m = BehaviorModule.open(settings, TestEmbedder.shared())) {
      var offer = m.library().offer("Which year did the war end?", Set.of());
      assertEquals(List.of("behavior_check_every_year"), offer.names());
      assertEquals(List.of("r1"), offer.behaviors().getFirst().provenance());
    }
  }
}
