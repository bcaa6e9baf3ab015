package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.compute.CpuBackend;
import dev.fathom.drafters.tensor.KernelBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decode warm-up that {@link LlamaEngine#open} runs, on the real stories260K. */
class DecodeWarmupIT {
  @AfterEach
  void clearProperty() {
    System.clearProperty(LlamaEngine.WARMUP_PROPERTY);
  }

  @Test
  void runsSingleTokenStepsUpToItsCapOnTheVectorBackend() throws Exception {
    System.setProperty(LlamaEngine.WARMUP_PROPERTY, "0");
    try (LlamaEngine engine = LlamaEngine.open(LlamaModelIT.STORIES, EngineSettings.defaults())) {
      LlamaModel model = engine.model();
      float[] before = engine.newSequence().forward(new int[] {1, 2, 3}, false);
      // stories260K decodes a step in well under a millisecond: the step cap ends the warm-up
      assertEquals(
          LlamaEngine.MAX_WARMUP_STEPS, LlamaEngine.warmUpDecode(model, model.backend(), 60_000));
      assertEquals(0, LlamaEngine.warmUpDecode(model, model.backend(), 0));
      // at least one step, however short the budget
      assertTrue(LlamaEngine.warmUpDecode(model, model.backend(), 1) >= 1);
      // the scalar reference backend is not what it is for
      try (CpuBackend scalar = new CpuBackend(KernelBackend.SCALAR, 1)) {
        assertEquals(0, LlamaEngine.warmUpDecode(model, scalar, 60_000));
      }
      // the warm-up leaves nothing behind: a new sequence starts empty and gives the same logits
      // (to rounding: once compiled, the Vector API may add a float reduction in another order)
      LlamaSequence seq = engine.newSequence();
      assertEquals(0, seq.length());
      assertArrayEquals(before, seq.forward(new int[] {1, 2, 3}, false), 1e-4f);
    }
  }

  @Test
  void theBudgetIsReadFromItsProperty() {
    assertEquals(LlamaEngine.DEFAULT_WARMUP_MILLIS, LlamaEngine.warmupMillis());
    System.setProperty(LlamaEngine.WARMUP_PROPERTY, " 250 ");
    assertEquals(250, LlamaEngine.warmupMillis());
    System.setProperty(LlamaEngine.WARMUP_PROPERTY, "0");
    assertEquals(0, LlamaEngine.warmupMillis());
    for (String bad : new String[] {"-1", "fast", "1.5"}) {
      System.setProperty(LlamaEngine.WARMUP_PROPERTY, bad);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, LlamaEngine::warmupMillis);
      assertTrue(e.getMessage().contains(LlamaEngine.WARMUP_PROPERTY), e.getMessage());
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }
}
