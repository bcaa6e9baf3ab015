package dev.fathom.answer;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerativeAnswererTest {

  private final Passage a = new Passage("/a.md#0", "/a.md", "A", "One. Two.", 10, 19);
  private final Passage b = new Passage("/b.md#3", "/b.md", "B", "Three.", 50, 56);
  private final Passage c = new Passage("/c.md#1", "/c.md", "C", "Unrelated.", 0, 10);

  private EvidenceSentence s(Passage p, String text) {
    int at = p.text().indexOf(text);
    return new EvidenceSentence(text, p, at, at + text.length(), 0.5f);
  }

  private Evidence evidence() {
    return new Evidence("q?", List.of(s(a, "One."), s(a, "Two."), s(b, "Three.")), 6, 30);
  }

  @Test
  void promptHasInstructionsThenNumberedEvidenceThenTheQuestionLast() {
    ScriptedModel m = new ScriptedModel("Yes [1].");
    new GenerativeAnswerer(m, GenerativeAnswerer.Settings.defaults()).answer("q?", evidence());
    List<ChatMessage> chat = m.chats.getFirst();
    assertEquals(2, chat.size());
    assertEquals(ChatMessage.system(GenerativeAnswerer.INSTRUCTIONS), chat.get(0));
    assertEquals(
        "Evidence:\n[1] A: One. Two.\n[2] B: Three.\n\nQuestion: q?", chat.get(1).content());
  }

  @Test
  void citesTheSourcesUsedRenumberedAndDropsMarkersNamingNone() {
    ScriptedModel m = new ScriptedModel("Three is [2], one is [1], nine is [9].");
    var answerer = new GenerativeAnswerer(m, GenerativeAnswerer.Settings.defaults());
    Answer ans = answerer.answer("q?", evidence());
    assertEquals("Three is [1], one is [2], nine is.", ans.text());
    assertEquals(
        List.of("/b.md", "/a.md"), ans.citations().stream().map(Citation::source).toList());
    assertEquals(List.of(1, 2), ans.citations().stream().map(Citation::n).toList());
    assertEquals(1, ans.generation().droppedMarkers());
    // Streamed text kept the model's numbers; the streamed citation list follows them.
    assertEquals(
        List.of(2, 1), ans.generation().streamedCitations().stream().map(Citation::n).toList());
  }

  @Test
  void streamsTheModelsTextAsItIsWritten() {
    ScriptedModel m = new ScriptedModel("It is one [1].");
    StringBuilder streamed = new StringBuilder();
    int[] pieces = {0};
    Answer ans =
        new GenerativeAnswerer(m, GenerativeAnswerer.Settings.defaults())
            .answer(
                "q?",
                evidence(),
                t -> {
                  streamed.append(t);
                  pieces[0]++;
                });
    assertEquals("It is one [1].", streamed.toString());
    assertTrue(pieces[0] > 1, "pieces " + pieces[0]);
    assertEquals("It is one [1].", ans.text());
  }

  @Test
  void anAnswerCitingNothingListsTheEvidenceSources() {
    Answer ans =
        new GenerativeAnswerer(
                new ScriptedModel("No idea."), GenerativeAnswerer.Settings.defaults())
            .answer("q?", evidence().withPassages(List.of(a, b, c)));
    assertEquals(
        List.of("/a.md", "/b.md"), ans.citations().stream().map(Citation::source).toList());
    assertFalse(ans.foundNothing());
  }

  @Test
  void emptyEvidenceSaysNothingWasFoundWithoutCallingTheModel() {
    ScriptedModel m = new ScriptedModel("unused");
    StringBuilder streamed = new StringBuilder();
    Answer ans =
        new GenerativeAnswerer(m, GenerativeAnswerer.Settings.defaults())
            .answer("q?", Evidence.none("q?", 100), streamed::append);
    assertEquals(ExtractiveAnswerer.NOTHING_FOUND, ans.text());
    assertEquals(ExtractiveAnswerer.NOTHING_FOUND, streamed.toString());
    assertTrue(ans.foundNothing());
    assertTrue(m.chats.isEmpty());
  }

  @Test
  void speculationWithARemoteModelFallsBackToPlainGeneration() {
    ScriptedModel m = new ScriptedModel("One [1].");
    var settings =
        new GenerativeAnswerer.Settings(
            GenerativeAnswerer.Settings.defaults().generation(),
            true,
            GenerativeAnswerer.Settings.defaults().rapid());
    var answerer = new GenerativeAnswerer(m, settings);
    assertFalse(answerer.speculating());
    Answer ans = answerer.answer("q?", evidence());
    assertEquals("One [1].", ans.text());
    assertNull(ans.generation().speculation());
  }

  @Test
  void longContextNumbersTheEvidencePassagesFirstThenTheOthersInRankOrder() {
    var sources = NumberedSources.ofPassages(evidence().withPassages(List.of(c, b, a)));
    assertEquals(
        "[1] A: One. Two.\n[2] B: Three.\n[3] C: Unrelated.", NumberedSources.render(sources));
  }
}
