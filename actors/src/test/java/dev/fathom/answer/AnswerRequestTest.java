package dev.fathom.answer;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.KvEvictionSettings;
import dev.fathom.retrieval.Passage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A caller's per-request choices: settings over the configured ones, extractive mode, system. */
class AnswerRequestTest {

  private final Passage a = new Passage("/a.md#0", "/a.md", "A", "One. Two.", 10, 19);

  private Evidence evidence() {
    return new Evidence("q?", List.of(new EvidenceSentence("One.", a, 0, 4, 0.5f)), 6, 30);
  }

  @Test
  void theRequestsChoicesReplaceTheConfiguredOnesAndTheRestStay() {
    var base = GenerationSettings.GREEDY.withStop(List.of("\n\n"));
    var r =
        new AnswerRequest(
            TokenListener.NONE, false, 12, 0.5f, 0.8f, 9L, List.of("END"), "Be brief.", null);
    GenerationSettings s = r.settings(base);
    assertEquals(12, s.maxTokens());
    assertEquals(0.5f, s.temperature());
    assertEquals(0.8f, s.topP());
    assertEquals(9L, s.seed());
    assertEquals(List.of("END"), s.stop());
    assertEquals(base.repetitionPenalty(), s.repetitionPenalty());
    assertNull(s.kvEviction());
    assertEquals(base, AnswerRequest.DEFAULTS.settings(base));
  }

  @Test
  void theRequestsKvEvictionReplacesTheModelsAndNullKeepsIt() {
    var mine = new KvEvictionSettings(KvEvictionPolicy.parse("snapkv", 4), 96);
    var theirs = new KvEvictionSettings(KvEvictionPolicy.parse("h2o", 4), 512);
    var base = GenerationSettings.GREEDY.withKvEviction(theirs);
    var r =
        new AnswerRequest(TokenListener.NONE, false, null, null, null, null, List.of(), "", mine);
    assertEquals(base.withKvEviction(mine), r.settings(base));
    assertSame(mine, r.streamingTo(TokenListener.NONE).kvEviction());
    assertEquals(base, AnswerRequest.DEFAULTS.settings(base));
  }

  @Test
  void aPlainListenerMeansTheDefaultsAndTextStillReachesTheStream() {
    assertSame(AnswerRequest.DEFAULTS, AnswerRequest.of(text -> {}));
    List<String> heard = new ArrayList<>();
    AnswerRequest.DEFAULTS.streamingTo(heard::add).onText("hi");
    assertEquals(List.of("hi"), heard);
  }

  @Test
  void anExtractiveRequestIsAnsweredWithoutCallingTheModel() {
    ScriptedModel m = new ScriptedModel("Yes [1].");
    var request =
        new AnswerRequest(TokenListener.NONE, true, null, null, null, null, List.of(), "", null);
    Answer answer =
        new GenerativeAnswerer(m, GenerativeAnswerer.Settings.defaults())
            .answer("q?", evidence(), request);
    assertTrue(m.chats.isEmpty());
    assertNull(answer.generation());
    assertTrue(answer.text().contains("One."), answer.text());
  }

  @Test
  void theCallersSystemMessageFollowsFathomsInstructions() {
    ScriptedModel m = new ScriptedModel("Yes [1].");
    var request =
        new AnswerRequest(
            TokenListener.NONE, false, null, null, null, null, List.of(), " Be brief. ", null);
    new GenerativeAnswerer(m, GenerativeAnswerer.Settings.defaults())
        .answer("q?", evidence(), request);
    String system = m.chats.getFirst().getFirst().content();
    assertEquals(
        GenerativeAnswerer.INSTRUCTIONS + "\n\nInstructions from the caller:\nBe brief.", system);
  }
}
