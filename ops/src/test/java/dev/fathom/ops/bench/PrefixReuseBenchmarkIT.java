package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code fathom bench kv --prefix} on stories260K: it reuses the shared pages and reports both. */
class PrefixReuseBenchmarkIT {
  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");

  @Test
  void reusesTheSharedFullPagesAndTimesBothWays() throws Exception {
    try (LlamaEngine engine = LlamaEngine.open(STORIES, new EngineSettings(1, 512, null))) {
      PrefixReuseBenchmark.Result r = PrefixReuseBenchmark.run(engine, 300, 0.9, 1, 3);
      assertEquals(256, r.reused()); // 270 shared tokens: four full 64-position pages
      assertEquals(3, r.cachedNanos().length);
      assertTrue(r.cachedMedianMs() > 0 && r.uncachedMedianMs() > 0, r.toText());
      assertTrue(r.toText().contains("cached / uncached"), r.toText());
      assertEquals(256, r.toJson().get("reused_tokens"));
    }
  }
}
