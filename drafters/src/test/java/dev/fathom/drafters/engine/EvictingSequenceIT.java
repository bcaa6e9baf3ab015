package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.memory.H2oPolicy;
import dev.fathom.memory.KvCache;
import dev.fathom.memory.RopeShift;
import dev.fathom.memory.StreamingLlmPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** StreamingLLM eviction on the real stories260K. */
class EvictingSequenceIT {
  static LlamaEngine engine;

  @BeforeAll
  static void load() throws Exception {
    engine = LlamaEngine.open(LlamaModelIT.STORIES, new EngineSettings(2, 512, null));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void ropeShiftMovesAKeyExactlyAsTheEngineWouldHaveRotatedIt() {
    // Layer 0's key of a token depends only on the token and its position.
    int[] tokens = {1, 403, 407, 261, 378, 432, 383, 286};
    LlamaSequence a = engine.newSequence();
    a.forward(tokens, false);
    LlamaSequence b = engine.newSequence();
    b.forward(new int[] {tokens[7]}, false);
    KvCache ca = a.cache();
    ModelConfig c = engine.config();
    new RopeShift(
            c.ropeTheta(),
            c.ropeScale(),
            c.kvHeads(),
            c.headSize(),
            c.ropeStyle() == RopeStyle.ADJACENT)
        .move(ca.keys(0, 7), ca.offset(7), 7, 0);
    for (int d = 0; d < c.kvDim(); d++) {
      assertEquals(
          b.cache().keys(0, 0)[d], ca.keys(0, 7)[ca.offset(7) + d], 1e-4, "dimension " + d);
    }
  }

  @Test
  void withinTheBudgetItIsThePlainSequenceAndBeyondItStaysWithinTheBudget() {
    int[] prompt = LlamaModelIT.PROMPT;
    EvictingSequence roomy =
        new EvictingSequence(engine.newSequence(), new StreamingLlmPolicy(4), 100);
    LlamaSequence plain = engine.newSequence();
    // Not bit for bit: the two passes may run on different JIT tiers of the Vector API kernels,
    // whose lane reductions sum in different orders (CI saw a difference of one ulp).
    assertArrayEquals(plain.forward(prompt, false), roomy.forward(prompt, false), 1e-4f);

    EvictingSequence tight =
        new EvictingSequence(engine.newSequence(), new StreamingLlmPolicy(4), 32);
    float[] logits = tight.forward(prompt, false);
    for (int i = 0; i < 200; i++) {
      logits = tight.forward(new int[] {Sampler.argmax(logits, 0, logits.length)}, false);
      assertTrue(tight.length() <= 32);
    }
    assertEquals(205 - 32, tight.evicted() + (32 - tight.length()));
    for (float x : logits) {
      assertTrue(Float.isFinite(x));
    }
    assertThrows(IllegalArgumentException.class, () -> tight.forward(new int[28], true));
    tight.forward(new int[60], false); // sliced into passes of at most 27
    assertTrue(tight.length() <= 32);
  }

  @Test
  void h2oKeepsTheBudgetAndTheBosSinkItHeavilyAttends() {
    LlamaSequence inner = engine.newSequence();
    EvictingSequence h2o = new EvictingSequence(inner, new H2oPolicy(0.5), 32);
    float[] logits = h2o.forward(LlamaModelIT.PROMPT, false);
    for (int i = 0; i < 100; i++) {
      logits = h2o.forward(new int[] {Sampler.argmax(logits, 0, logits.length)}, false);
      assertTrue(h2o.length() <= 32);
    }
    assertTrue(h2o.evicted() > 0);
    // Position 0 still holds BOS (its layer-0 key depends only on the token and the position).
    LlamaSequence bos = engine.newSequence();
    bos.forward(new int[] {1}, false);
    KvCache kept = inner.cache();
    for (int d = 0; d < engine.config().kvDim(); d++) {
      assertEquals(bos.cache().keys(0, 0)[d], kept.keys(0, 0)[d], 1e-4, "dimension " + d);
    }
    for (float x : logits) {
      assertTrue(Float.isFinite(x));
    }
  }
}
