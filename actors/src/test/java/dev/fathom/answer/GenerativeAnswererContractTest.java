package dev.fathom.answer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The generative answerer over a scripted model that fails if it is ever called concurrently. */
class GenerativeAnswererContractTest extends AnswererContract {

  private ScriptedModel model;

  @Override
  protected Answerer answerer() {
    model = new ScriptedModel("Three is the answer [2], and one [1].");
    return new GenerativeAnswerer(model, GenerativeAnswerer.Settings.defaults());
  }

  @Test
  void theAnswerCarriesWhatTheGenerationDid() {
    Answer a = answerer().answer("q?", evidence());
    GenerationReport g = a.generation();
    assertNotNull(g);
    assertEquals("scripted", g.model());
    assertEquals(10, g.promptTokens());
    assertEquals("stop", g.finishReason());
    assertEquals("eos", g.stopReasonName());
    assertEquals(10_000.0, g.prefillTokensPerSecond(), 1e-6); // 10 tokens in 1 ms
    assertNull(g.speculation());
    assertEquals(2, g.streamedCitations().getFirst().n(), "streamed numbers are the prompt's");
  }
}
