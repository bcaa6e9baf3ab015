package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufValue;
import dev.fathom.drafters.gguf.GgufWriter;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Quantizer;
import dev.fathom.memory.KvCache;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole forward pass on the Vector API backend against the scalar reference backend, on a
 * random-weight model whose tensors use every block family (F16 embedding, Q8_0 and Q4_0 attention,
 * Q4_K/Q5_K feed-forward, Q6_K output): a batched prefill and single-token decode steps must give
 * the same logits. The vector backend's decode steps attend through the blocked path (one job per
 * key-value head, its 4 query heads in the kernels' query rows), the scalar one's head by head.
 */
class BackendsAgreeTest {
  private static final int DIM = 256; // K-quants need rows of whole 256-element super-blocks
  private static final int HIDDEN = 512;
  private static final int LAYERS = 2;
  private static final int HEADS = 8;
  private static final int KV_HEADS = 2;
  private static final int VOCAB = 320;

  @TempDir Path dir;

  @Test
  void vectorAndScalarBackendsGiveTheSameLogits() throws Exception {
    agree(new int[] {1, 17, 300, 5, 9, 44, 2, 8, 120, 77, 3, 250, 19});
  }

  /**
   * A 45-position prefill: long enough for the packed batched product (a group of 32 positions and
   * a padded one) and the blocked attention (two 16-position blocks and a partial third).
   */
  @Test
  void vectorAndScalarBackendsAgreeOnALongPrefill() throws Exception {
    int[] prompt = new int[45];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = (i * 37 + 1) % VOCAB;
    }
    agree(prompt);
  }

  private void agree(int[] prompt) throws Exception {
    Path file = writeModel(dir, new Random(7));
    int[] decoded = {11, 12, 13};
    float[][] scalar = run(file, KernelBackend.SCALAR, prompt, decoded);
    // Q4_K and Q6_K decode products in 16-bit lanes round their input to 8 bits (WordQ4K): off
    // here, so that the backends differ only in summation order; on below
    float[][] vector = withoutWords(() -> run(file, KernelBackend.VECTOR, prompt, decoded));
    for (int step = 0; step < scalar.length; step++) {
      float scale = largest(scalar[step]);
      // The backends differ only in summation order (vector lanes, several accumulators, fused
      // multiply-adds), each dot product by about sqrt(n)·ulp of its sum of |terms|. Through two
      // blocks of norms, attention and residuals that came to at most 6e-6 of the largest logit
      // here; 1e-4 of it leaves a margin of 16 and is still far below what one wrong element, row
      // or head would cause.
      float tolerance = 1e-4f * scale + 1e-6f;
      for (int j = 0; j < scalar[step].length; j++) {
        assertEquals(scalar[step][j], vector[step][j], tolerance, "step " + step + " logit " + j);
      }
    }
    // With the 16-bit products (the default on 512-bit vectors): the prefill (batched products,
    // in floats) as strictly; decode steps within the input rounding's effect, which on this
    // random-weight model came to 0.03-0.10 of the largest logit (a permuted or misplaced row
    // would be of the order of the logits themselves). On TinyLlama the effect is far smaller
    // (docs/performance.md, "Q4_K and Q6_K in 16-bit lanes").
    float[][] words = run(file, KernelBackend.VECTOR, prompt, decoded);
    for (int step = 0; step < scalar.length; step++) {
      float scale = largest(scalar[step]);
      float tolerance = step == 0 ? 1e-4f * scale + 1e-6f : WORDS_DEVIATION * scale;
      for (int j = 0; j < scalar[step].length; j++) {
        assertEquals(
            scalar[step][j], words[step][j], tolerance, "words, step " + step + " logit " + j);
      }
    }
  }

  private static final float WORDS_DEVIATION = 0.2f;

  /** The engine's switch for Q4_K and Q6_K products in 16-bit lanes ({@code RepackedRows}). */
  private static final String WORDS_PROPERTY = "fathom.engine.k-words";

  private static float largest(float[] logits) {
    float scale = 0f;
    for (float f : logits) {
      scale = Math.max(scale, Math.abs(f));
    }
    return scale;
  }

  interface Run {
    float[][] run() throws Exception;
  }

  /** {@code run} with {@code -Dfathom.engine.k-words=false} (read when the matrices are built). */
  static float[][] withoutWords(Run run) throws Exception {
    String before = System.getProperty(WORDS_PROPERTY);
    System.setProperty(WORDS_PROPERTY, "false");
    try {
      return run.run();
    } finally {
      if (before == null) {
        System.clearProperty(WORDS_PROPERTY);
      } else {
        System.setProperty(WORDS_PROPERTY, before);
      }
    }
  }

  /** Logits of every prompt position, then of each decoded token. */
  private static float[][] run(Path file, KernelBackend kernels, int[] prompt, int[] decoded)
      throws Exception {
    try (GgufFile gguf = GgufFile.open(file);
        ComputeBackend backend = ComputeBackends.open(kernels, 2)) {
      LlamaModel model = new LlamaModel(gguf, ModelConfig.from(gguf), backend, 64);
      KvCache cache = model.newCache();
      float[][] out = new float[1 + decoded.length][];
      out[0] = model.forward(cache, prompt, true, null);
      Workspace one = model.newWorkspace(1);
      for (int i = 0; i < decoded.length; i++) {
        out[1 + i] = model.forward(cache, new int[] {decoded[i]}, false, null, one);
      }
      return out;
    }
  }

  /** The mixed-type model (also run on the CUDA backend by {@code CudaModelIT}). */
  static Path writeModel(Path dir, Random rnd) throws Exception {
    GgufWriter writer = new GgufWriter();
    writer.put("general.architecture", "llama");
    writer.put("llama.embedding_length", GgufValue.uint32(DIM));
    writer.put("llama.feed_forward_length", GgufValue.uint32(HIDDEN));
    writer.put("llama.block_count", GgufValue.uint32(LAYERS));
    writer.put("llama.attention.head_count", GgufValue.uint32(HEADS));
    writer.put("llama.attention.head_count_kv", GgufValue.uint32(KV_HEADS));
    writer.put("llama.context_length", GgufValue.uint32(64));
    writer.put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f));
    writer.put("llama.rope.freq_base", GgufValue.float32(10_000f));
    Map<String, byte[]> data = new LinkedHashMap<>();
    int kvDim = KV_HEADS * (DIM / HEADS);
    add(writer, data, rnd, "token_embd.weight", GgmlType.F16, VOCAB, DIM, 0.5f);
    for (int l = 0; l < LAYERS; l++) {
      String b = "blk." + l + ".";
      add(writer, data, rnd, b + "attn_norm.weight", GgmlType.F32, 1, DIM, 0f);
      add(writer, data, rnd, b + "attn_q.weight", GgmlType.Q8_0, DIM, DIM, 0.2f);
      add(writer, data, rnd, b + "attn_k.weight", GgmlType.Q8_0, kvDim, DIM, 0.2f);
      add(writer, data, rnd, b + "attn_v.weight", GgmlType.Q4_0, kvDim, DIM, 0.2f);
      add(writer, data, rnd, b + "attn_output.weight", GgmlType.Q4_0, DIM, DIM, 0.2f);
      add(writer, data, rnd, b + "ffn_norm.weight", GgmlType.F32, 1, DIM, 0f);
      add(writer, data, rnd, b + "ffn_gate.weight", GgmlType.Q4_K, HIDDEN, DIM, 0.2f);
      add(writer, data, rnd, b + "ffn_up.weight", GgmlType.Q5_K, HIDDEN, DIM, 0.2f);
      add(writer, data, rnd, b + "ffn_down.weight", GgmlType.Q4_K, DIM, HIDDEN, 0.2f);
    }
    add(writer, data, rnd, "output_norm.weight", GgmlType.F32, 1, DIM, 0f);
    add(writer, data, rnd, "output.weight", GgmlType.Q6_K, VOCAB, DIM, 0.5f);
    Path file = dir.resolve("mixed.gguf");
    writer.write(file, data);
    return file;
  }

  /** A random tensor; {@code scale} 0 means a norm gain near 1. */
  private static void add(
      GgufWriter writer,
      Map<String, byte[]> data,
      Random rnd,
      String name,
      GgmlType type,
      int rows,
      int cols,
      float scale) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          scale == 0f ? 1f + 0.1f * (float) rnd.nextGaussian() : scale * (float) rnd.nextGaussian();
    }
    writer.addTensor(name, type, rows == 1 ? new long[] {cols} : new long[] {cols, rows});
    data.put(name, Quantizer.quantize(type, v));
  }
}
