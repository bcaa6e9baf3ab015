package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.memory.KvEvictionPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code fathom bench kv --budget … --synthetic}: speed and memory of a long synthetic input. */
class KvSpeedBenchmarkIT {
  @Test
  void aBudgetBoundsTheMemoryHeldAfterALongInput() throws Exception {
    try (LlamaEngine engine =
        LlamaEngine.open(PrefixReuseBenchmarkIT.STORIES, new EngineSettings(1, 512, null))) {
      List<KvSpeedBenchmark.Row> rows =
          KvSpeedBenchmark.run(
              engine,
              200,
              8,
              new int[] {64},
              List.of(
                  KvEvictionPolicy.parse("streaming-llm", 4), KvEvictionPolicy.parse("snapkv", 4)));
      assertEquals(3, rows.size());
      assertEquals("full", rows.get(0).policy());
      assertEquals(207 * 1280L, rows.get(0).kvBytes()); // input + 7 decoded, 1,280 B a position
      assertEquals(208 * 1280L, rows.get(0).fullKvBytes());
      for (KvSpeedBenchmark.Row r : rows.subList(1, 3)) {
        assertTrue(r.kvBytes() <= 64 * 1280L, r.toText());
        assertTrue(r.decodeTokensPerSecond() > 0 && r.prefillMs() > 0, r.toText());
      }
    }
  }
}
