package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.tokenizer.Tokenizers;
import dev.fathom.memory.KvEvictionPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code fathom bench kv --passkey} on stories260K. */
class PasskeyBenchmarkIT {
  @Test
  void plantsTheNameFirstAndARoomyBudgetScoresLikeTheFullCache() throws Exception {
    try (LlamaEngine engine =
        LlamaEngine.open(PrefixReuseBenchmarkIT.STORIES, new EngineSettings(1, 512, null))) {
      var tokenizer = Tokenizers.fromGguf(engine.file().metadata());
      PasskeyBenchmark.Trial t = PasskeyBenchmark.trial(engine, tokenizer, 100, 3, 5);
      assertEquals(100, t.context().length);
      assertEquals(1, t.context()[0]); // BOS
      String opening =
          tokenizer.decode(java.util.Arrays.copyOf(t.context(), t.blocks().get(0).end()));
      assertTrue(opening.contains("there was a girl named"), opening);
      assertEquals(3, t.answers().size());
      String planted = tokenizer.decode(t.answers().get(0)).strip();
      assertTrue(
          opening.contains("named " + planted.replace(" went", ".")), opening + " / " + planted);
      int[] cue = PasskeyBenchmark.continuation(tokenizer, "One day,");
      assertArrayEquals(cue, java.util.Arrays.copyOfRange(t.context(), 100 - cue.length, 100));

      List<PasskeyBenchmark.Row> rows =
          PasskeyBenchmark.run(
              engine,
              100,
              4,
              3,
              new int[] {120, 40},
              List.of(KvEvictionPolicy.parse("h2o", 4), KvEvictionPolicy.parse("passage", 4)),
              17);
      assertEquals(5, rows.size());
      assertEquals("full", rows.get(0).policy());
      assertEquals(1 / 3.0, rows.get(0).chance(), 1e-12);
      // 120 positions hold the context and every answer: nothing is evicted.
      assertEquals(rows.get(0).accuracy(), rows.get(1).accuracy(), 1e-12, rows.get(1).toText());
      assertEquals(rows.get(0).accuracy(), rows.get(3).accuracy(), 1e-12, rows.get(3).toText());
      for (PasskeyBenchmark.Row r : rows) {
        assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1, r.toText());
      }
      assertThrows(
          IllegalArgumentException.class,
          () -> PasskeyBenchmark.run(engine, 100, 1, 11, new int[] {40}, List.of(), 1));
    }
  }
}
