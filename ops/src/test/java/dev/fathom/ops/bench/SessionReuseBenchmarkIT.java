package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import org.junit.jupiter.api.Test;

/** {@code fathom bench kv --session} on stories260K: turn N finds the earlier turns cached. */
class SessionReuseBenchmarkIT {
  @Test
  void theMeasuredTurnReusesTheSystemPromptAndTheEarlierTurns() throws Exception {
    SessionReuseBenchmark.Result r =
        SessionReuseBenchmark.run(
            PrefixReuseBenchmarkIT.STORIES, new EngineSettings(1, 2048, null), 4, 8, 2);
    assertEquals(4, r.turn());
    assertEquals(2, r.cachedNanos().length);
    assertTrue(r.promptTokens() > 128, r.toText());
    // Whole pages of everything before the last question: at least all but the last 64 + question.
    assertTrue(r.reusedPerRun() >= r.promptTokens() - 64 - 40, r.toText());
    assertTrue(r.reusedPerRun() < r.promptTokens(), r.toText());
    for (int i = 0; i < 2; i++) {
      assertTrue(r.cachedNanos()[i] > 0 && r.uncachedNanos()[i] > 0, r.toText());
    }
  }
}
