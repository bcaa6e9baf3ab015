package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp in its own process, on the real stories260K model: the worker starts, loads the model,
 * answers runs with positive durations, and a model it cannot load is named in the error.
 */
class LlamaCppProcessIT {
  private static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf")
          .toAbsolutePath()
          .normalize();

  private static Path stories() {
    assumeTrue(Files.isRegularFile(STORIES), "stories260K is absent at " + STORIES);
    return STORIES;
  }

  @Test
  void runsGenerationsInASeparateProcess() {
    int[] prompt = EngineBenchmark.promptTokens(16, 512);
    try (LlamaCppProcess worker = LlamaCppProcess.start(stories(), 1, prompt, 4)) {
      for (int i = 0; i < 2; i++) {
        long[] t = worker.run();
        assertTrue(t[0] > 0 && t[1] > 0, "prefill and decode nanoseconds " + t[0] + ", " + t[1]);
      }
    }
  }

  @Test
  void aModelItCannotLoadIsNamed() {
    Path bogus = Path.of("target/not-a-model.gguf").toAbsolutePath();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> LlamaCppProcess.start(bogus, 1, new int[] {3, 4}, 2).close());
    assertTrue(e.getMessage().contains("llama.cpp"), e.getMessage());
  }
}
