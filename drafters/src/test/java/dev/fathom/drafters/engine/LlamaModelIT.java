package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.memory.KvCache;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlamaModelIT {
  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");
  // ../shared/models/README.md: greedy continuation of BOS "Once upon a time".
  static final int[] PROMPT = {1, 403, 407, 261, 378};
  static final int[] CONTINUATION = {
    432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337
  };

  static GgufFile file;
  static ComputeBackend backend;
  static LlamaModel model;

  @BeforeAll
  static void load() throws Exception {
    file = GgufFile.open(STORIES);
    backend = ComputeBackends.open(2);
    model = new LlamaModel(file, ModelConfig.from(file), backend, 512);
  }

  @AfterAll
  static void close() {
    backend.close();
    file.close();
  }

  @Test
  void greedyContinuationMatchesLlama2cOneTokenAtATime() {
    KvCache cache = model.newCache();
    float[] logits = model.forward(cache, PROMPT, false, null);
    int[] out = new int[CONTINUATION.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Sampler.argmax(logits);
      logits = model.forward(cache, new int[] {out[i]}, false, null);
    }
    assertArrayEquals(CONTINUATION, out);
  }

  @Test
  void batchedForwardGivesTheSameLogitsAsOneByOne() {
    int vocab = model.config().vocabularySize();
    int[] tokens = new int[PROMPT.length + CONTINUATION.length];
    System.arraycopy(PROMPT, 0, tokens, 0, PROMPT.length);
    System.arraycopy(CONTINUATION, 0, tokens, PROMPT.length, CONTINUATION.length);
    float[] batched = model.forward(model.newCache(), tokens, true, null);
    KvCache one = model.newCache();
    for (int i = 0; i < tokens.length; i++) {
      float[] l = model.forward(one, new int[] {tokens[i]}, false, null);
      for (int j = 0; j < vocab; j++) {
        org.junit.jupiter.api.Assertions.assertEquals(
            l[j], batched[i * vocab + j], 1e-4f, "position " + i + " token " + j);
      }
    }
  }

  /** The engine on the GGUF and llama2.c's reference forward on stories260K.bin agree. */
  @Test
  void logitsEqualLlama2cOnTheBinCheckpoint() throws Exception {
    Path bin = STORIES.resolveSibling("stories260K.bin");
    dev.fathom.drafters.llama2c.Llama2cReference ref =
        new dev.fathom.drafters.llama2c.Llama2cReference(
            dev.fathom.drafters.llama2c.Llama2cCheckpoint.read(bin));
    int[] tokens = new int[PROMPT.length + CONTINUATION.length];
    System.arraycopy(PROMPT, 0, tokens, 0, PROMPT.length);
    System.arraycopy(CONTINUATION, 0, tokens, PROMPT.length, CONTINUATION.length);
    int vocab = model.config().vocabularySize();
    float[] engine = model.forward(model.newCache(), tokens, true, null);
    for (int pos = 0; pos < tokens.length; pos++) {
      float[] expected = ref.forward(tokens[pos], pos);
      for (int j = 0; j < vocab; j++) {
        org.junit.jupiter.api.Assertions.assertEquals(
            expected[j], engine[pos * vocab + j], 1e-3f, "position " + pos + " token " + j);
      }
    }
  }
}
