package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.memory.H2oPolicy;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.StreamingLlmPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code fathom bench kv --budget} on stories260K: no eviction is exact, eviction shows. */
class KvFidelityBenchmarkIT {
  @Test
  void aBudgetHoldingTheTextMatchesTheFullCacheAndATightOneDoesNot() throws Exception {
    try (LlamaEngine engine =
        LlamaEngine.open(PrefixReuseBenchmarkIT.STORIES, new EngineSettings(1, 512, null))) {
      List<KvFidelityBenchmark.Row> rows =
          KvFidelityBenchmark.run(
              engine,
              120,
              8,
              new int[] {120, 40},
              List.of(
                  new StreamingLlmPolicy(4),
                  new H2oPolicy(0.5),
                  KvEvictionPolicy.parse("snapkv", 4),
                  KvEvictionPolicy.parse("passage", 4)),
              17);
      assertEquals(8, rows.size());
      KvFidelityBenchmark.Row roomy = rows.get(0);
      assertEquals("streaming-llm", roomy.policy());
      assertEquals(1, roomy.scored()); // the last text position, read before any eviction
      assertEquals(0, roomy.meanKl(), 1e-9);
      assertEquals(1.0, roomy.top1());
      for (KvFidelityBenchmark.Row tight : List.of(rows.get(1), rows.get(3), rows.get(5))) {
        assertEquals(120 - 39, tight.scored());
        assertTrue(tight.meanKl() > 0, tight.toText());
        assertTrue(tight.top1() >= 0 && tight.top1() <= 1, tight.toText());
        assertEquals(40 * 1280, tight.kvBytes()); // 5 layers × 2 × 32 floats × 4 bytes
      }
      assertEquals("snapkv", rows.get(5).policy());
      assertEquals("passage", rows.get(7).policy());
      assertTrue(rows.get(7).top1() > 0.5, rows.get(7).toText());
    }
  }
}
