package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.compute.cuda.CudaBackend;
import dev.fathom.drafters.compute.cuda.CudaDevice;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.memory.KvCache;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole forward pass on the CUDA backend against the CPU backend: stories260K's greedy
 * continuation token for token, and logits within 1e-4 of the largest logit on stories260K and on
 * the mixed-type model of {@link BackendsAgreeTest} (F16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), through a
 * batched prefill, decode steps and a speculative verification of several positions after a
 * truncation. Skipped, with the probe's reason, where there is no CUDA device.
 */
class CudaModelIT {
  @TempDir Path dir;

  /** Per test, so that each is reported skipped with the reason (not the class as empty). */
  @BeforeEach
  void needsADevice() {
    CudaDevice.Probe p = CudaDevice.probe();
    assumeTrue(p.available(), p.reason());
  }

  @Test
  void storiesGreedyOutputIsTheCpuEnginesTokenForToken() throws Exception {
    int[] cpu = greedy(ComputeBackends.open(KernelBackend.SCALAR, 2), 96);
    int[] gpu = greedy(new CudaBackend(), 96);
    assertArrayEquals(cpu, gpu);
    int[] published = new int[LlamaModelIT.CONTINUATION.length];
    System.arraycopy(gpu, 0, published, 0, published.length);
    assertArrayEquals(LlamaModelIT.CONTINUATION, published);
  }

  private static int[] greedy(ComputeBackend backend, int tokens) throws Exception {
    try (GgufFile file = GgufFile.open(LlamaModelIT.STORIES);
        ComputeBackend b = backend) {
      LlamaModel model = new LlamaModel(file, ModelConfig.from(file), b, 512);
      KvCache cache = model.newCache();
      float[] logits = model.forward(cache, LlamaModelIT.PROMPT, false, null);
      int[] out = new int[tokens];
      for (int i = 0; i < tokens; i++) {
        out[i] = Sampler.argmax(logits, 0, logits.length);
        logits = model.forward(cache, new int[] {out[i]}, false, null);
      }
      return out;
    }
  }

  @Test
  void storiesLogitsAgreeWithTheCpu() throws Exception {
    compare(LlamaModelIT.STORIES);
  }

  @Test
  void mixedTypeModelLogitsAgreeWithTheCpu() throws Exception {
    compare(BackendsAgreeTest.writeModel(dir, new Random(7)));
  }

  private static void compare(Path model) throws Exception {
    float[][] cpu = run(model, ComputeBackends.open(KernelBackend.SCALAR, 2));
    float[][] gpu = run(model, new CudaBackend());
    for (int step = 0; step < cpu.length; step++) {
      float scale = 0f;
      for (float f : cpu[step]) {
        scale = Math.max(scale, Math.abs(f));
      }
      float tolerance = 1e-4f * scale + 1e-6f;
      assertEquals(cpu[step].length, gpu[step].length);
      for (int j = 0; j < cpu[step].length; j++) {
        assertEquals(cpu[step][j], gpu[step][j], tolerance, "step " + step + " logit " + j);
      }
    }
  }

  /** Prefill (all logits), three decode steps, a verification of 5 positions, truncate, again. */
  private static float[][] run(Path path, ComputeBackend backend) throws Exception {
    try (GgufFile file = GgufFile.open(path);
        ComputeBackend b = backend) {
      LlamaModel model = new LlamaModel(file, ModelConfig.from(file), b, 64);
      KvCache cache = model.newCache();
      int vocab = model.config().vocabularySize();
      int[] prompt = {1, 17, 30, 5, 9, 44, 2, 8, 120, 77, 3, 250, 19};
      float[][] out = new float[6][];
      out[0] = model.forward(cache, prompt, true, null);
      for (int i = 0; i < 3; i++) {
        out[1 + i] = model.forward(cache, new int[] {11 + i}, false, null);
      }
      int[] draft = {4, 5, 6, 7, 8 % vocab};
      out[4] = model.forward(cache, draft, true, null);
      cache.truncate(cache.length() - 3); // two of five accepted
      out[5] = model.forward(cache, new int[] {20, 21, 22}, true, null);
      return out;
    }
  }
}
