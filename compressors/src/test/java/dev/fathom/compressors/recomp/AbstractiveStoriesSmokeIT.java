package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The abstractive compressor through the in-JVM engine with stories260K (a 260K-parameter story
 * model with a 512-token context that cannot summarise). Checks the machinery only: five long
 * passages are cut to fit the context, the model runs, and whatever it writes becomes evidence that
 * cites retrieved passages, or none. No quality is claimed.
 */
class AbstractiveStoriesSmokeIT {

  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf")
          .normalize();

  @Test
  void fivePassagesFitTheContextAndTheSummaryBecomesCitedEvidenceOrNone() throws Exception {
    assumeTrue(Files.isRegularFile(STORIES), "test model " + STORIES + " is absent");
    List<Hit> hits = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      String text = ("Lily had a red ball in the park number " + i + ". ").repeat(12);
      hits.add(
          new Hit(
              new Passage("p" + i, "/s" + i + ".md", "Story " + i, text, 0, text.length()),
              1f / i,
              i));
    }
    try (LocalLanguageModel model =
        LocalLanguageModel.open(STORIES, new EngineSettings(2, 0, null))) {
      var compressor =
          new AbstractiveCompressor(
              model, TestEmbedder.shared(), new AbstractiveCompressor.Settings(5, 48));
      Evidence ev = compressor.compress("What colour was Lily's ball?", hits);
      assertTrue(ev.inputTokens() > 0);
      assertTrue(ev.passages().size() == 5);
      for (EvidenceSentence s : ev.sentences()) {
        assertTrue(hits.stream().anyMatch(h -> h.passage().equals(s.passage())), s.toString());
        assertTrue(!s.text().matches(".*\\[\\d+].*"), "markers stay out of the text: " + s.text());
      }
    }
  }
}
