package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.compressors.Evidence;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbstractiveCompressorTest {

  /** Counts words as tokens: enough to check the evidence's token accounting. */
  private static final Embedder WORDS =
      new Embedder() {
        @Override
        public int dimension() {
          return 1;
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
          List<float[]> out = new ArrayList<>();
          for (String t : texts) out.add(new float[] {1});
          return out;
        }

        @Override
        public int countTokens(String text) {
          return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        @Override
        public void close() {}
      };

  private static List<Hit> hits() {
    String a = "The Eiffel Tower is 330 metres tall. It was built for the 1889 World's Fair.";
    String b = "Kafka partitions are replicated across brokers.";
    String c = "Gustave Eiffel's company designed the tower.";
    return List.of(
        new Hit(new Passage("a#0", "/a.md", "Eiffel Tower", a, 0, a.length()), 3, 1),
        new Hit(new Passage("b#0", "/b.md", "Kafka", b, 0, b.length()), 2, 2),
        new Hit(new Passage("c#0", "/c.md", "Eiffel", c, 0, c.length()), 1, 3));
  }

  private static AbstractiveCompressor with(ScriptedChatModel model) {
    return new AbstractiveCompressor(model, WORDS, AbstractiveCompressor.Settings.defaults());
  }

  @Test
  void asksInRecompsShapeWithNumberedDocuments() {
    var model = new ScriptedChatModel("");
    with(model).compress("How tall is the Eiffel Tower?", hits());
    List<ChatMessage> chat = model.chats.getFirst();
    assertEquals(AbstractiveCompressor.SYSTEM, chat.get(0).content());
    String user = chat.get(1).content();
    assertTrue(user.startsWith("Question: How tall is the Eiffel Tower?\n"), user);
    assertTrue(user.contains("Document [1]: Eiffel Tower. The Eiffel Tower is 330"), user);
    assertTrue(user.contains("Document [3]: Eiffel. Gustave"), user);
    assertTrue(user.endsWith("Summary:"), user);
  }

  @Test
  void eachSentenceCitesThePassageItNamesAndTheMarkersLeaveTheText() {
    var model =
        new ScriptedChatModel(
            "The tower is 330 metres tall [1]. Eiffel's company designed it [3]. It opened in 1889.");
    Evidence ev = with(model).compress("How tall is the Eiffel Tower?", hits());
    assertEquals(3, ev.sentences().size(), ev.toString());
    assertEquals("The tower is 330 metres tall.", ev.sentences().get(0).text());
    assertEquals("/a.md", ev.sentences().get(0).passage().source());
    assertEquals("Eiffel's company designed it.", ev.sentences().get(1).text());
    assertEquals("/c.md", ev.sentences().get(1).passage().source());
    // No marker: it keeps the citation of the sentence before it.
    assertEquals("/c.md", ev.sentences().get(2).passage().source());
    assertEquals(6 + 4 + 4, ev.tokens());
    assertTrue(ev.inputTokens() > ev.tokens());
    assertEquals(3, ev.passages().size()); // the long context still travels
  }

  @Test
  void anEmptySummaryIsSelectiveAugmentation() {
    Evidence ev =
        with(new ScriptedChatModel("  \n")).compress("What is the capital of Peru?", hits());
    assertTrue(ev.isEmpty());
    assertTrue(ev.inputTokens() > 0);
  }

  @Test
  void aSummaryCitingNoRetrievedPassageIsNotEvidence() {
    assertTrue(
        with(new ScriptedChatModel("Lima is the capital.")).compress("Peru?", hits()).isEmpty());
    assertTrue(
        with(new ScriptedChatModel("Lima is the capital [7]."))
            .compress("Peru?", hits())
            .isEmpty());
  }

  @Test
  void aLeadingUncitedSentenceTakesTheNextCitation() {
    Evidence ev =
        with(new ScriptedChatModel("It is tall. Its height is 330 metres [1]."))
            .compress("How tall?", hits());
    assertEquals(2, ev.sentences().size());
    assertFalse(ev.isEmpty());
    assertEquals("/a.md", ev.sentences().get(0).passage().source());
  }

  @Test
  void longPassagesAreCutToFitTheModelsContext() {
    var model = new ScriptedChatModel(512, m -> "");
    var c = with(model);
    String longText = "word ".repeat(2000).strip();
    c.compress(
        "q?",
        List.of(new Hit(new Passage("l#0", "/l.md", "", longText, 0, longText.length()), 1, 1)));
    String user = model.chats.getFirst().get(1).content();
    assertTrue(user.length() < 1000, "prompt of " + user.length() + " chars");
    assertTrue(user.contains(" …\n"), user);
  }

  @Test
  void badSettingsNameTheirRange() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new AbstractiveCompressor.Settings(0, 10));
    assertEquals("topPassages must be in [1, 20], got 0", e.getMessage());
  }
}
