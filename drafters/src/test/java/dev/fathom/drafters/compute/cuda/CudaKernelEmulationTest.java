package dev.fathom.drafters.compute.cuda;

import static dev.fathom.drafters.compute.cuda.BackendIo.of;
import static dev.fathom.drafters.compute.cuda.BackendIo.read;
import static dev.fathom.drafters.compute.cuda.BackendIo.scale;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fathom.drafters.compute.Activations;
import dev.fathom.drafters.compute.AttentionShape;
import dev.fathom.drafters.compute.AttentionSink;
import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.compute.RotaryTable;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Quantizer;
import dev.fathom.memory.KvCache;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kernel's indexing, emulated over its launch plan ({@link CudaKernelEmulation}), against the
 * CPU backend on the scalar reference kernels: the same results within float rounding (the kernels
 * sum in another order), and every output written exactly once (no gaps, no races).
 */
class CudaKernelEmulationTest {
  private static final Random RND = new Random(11);

  private static float[] gaussian(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) RND.nextGaussian();
    }
    return x;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    float tolerance = 1e-5f * scale(expected) + 1e-6f;
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance, what + " [" + i + "]");
    }
  }

  private static void assertOnce(int[] writes, String what) {
    for (int i = 0; i < writes.length; i++) {
      assertEquals(1, writes[i], what + ": output " + i + " written " + writes[i] + " times");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
  void matmulCoversEveryRowAndPositionOnceAndMatchesTheCpu(GgmlType type) {
    int rows = 37; // not a multiple of the 4 rows of a block
    int cols = 512;
    float[] w = gaussian(rows * cols);
    byte[] bytes = Quantizer.quantizeRows(type, w, cols);
    try (ComputeBackend cpu = ComputeBackends.open(KernelBackend.SCALAR, 1)) {
      var m = BackendIo.matrix(cpu, type, w, rows, cols);
      for (int n :
          new int[] {1, 3, 8, 17}) { // one position, part of, exactly, over 8-position tiles
        float[] x = gaussian(n * cols);
        Activations out = cpu.allocate(n * rows);
        cpu.matmul(m, of(cpu, x), n, out);
        int[] writes = new int[n * rows];
        float[] device = CudaKernelEmulation.matmul(type, bytes, rows, cols, x, n, writes);
        assertOnce(writes, type + " n=" + n);
        assertClose(read(cpu, out, n, rows), device, type + " n=" + n);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K"})
  void groupProductsCoverEveryRowAndPositionOnceAndMatchTheCpu(GgmlType type) {
    int rows = 37;
    int cols = 1280; // 40 groups: lanes 0-7 take two, the rest one
    float[] w = gaussian(rows * cols);
    byte[] bytes = Quantizer.quantizeRows(type, w, cols);
    try (ComputeBackend cpu = ComputeBackends.open(KernelBackend.SCALAR, 1)) {
      var m = BackendIo.matrix(cpu, type, w, rows, cols);
      for (int n : new int[] {1, 9}) {
        float[] x = gaussian(n * cols);
        Activations out = cpu.allocate(n * rows);
        cpu.matmul(m, of(cpu, x), n, out);
        int[] writes = new int[n * rows];
        float[] device = CudaKernelEmulation.matmulGroups(type, bytes, rows, cols, x, n, writes);
        assertOnce(writes, type + " groups n=" + n);
        assertClose(read(cpu, out, n, rows), device, type + " groups n=" + n);
      }
    }
  }

  @Test
  void ropeRotatesEveryElementOnceInBothStyles() {
    int n = 3;
    int heads = 2;
    int half = 4;
    int start = 5;
    int positions = start + n;
    float[] cos = new float[positions * half];
    float[] sin = new float[positions * half];
    for (int i = 0; i < cos.length; i++) {
      cos[i] = (float) Math.cos(0.1 * i);
      sin[i] = (float) Math.sin(0.1 * i);
    }
    try (ComputeBackend cpu = ComputeBackends.open(KernelBackend.SCALAR, 1)) {
      for (boolean adjacent : new boolean[] {true, false}) {
        float[] v = gaussian(n * heads * 2 * half);
        Activations a = of(cpu, v);
        cpu.rope(
            new RotaryTable(cpu.vector(cos), cpu.vector(sin), half, adjacent), a, n, heads, start);
        int[] writes = new int[v.length];
        float[] device = v.clone();
        CudaKernelEmulation.rope(device, cos, sin, n, heads, half, start, adjacent, writes);
        assertOnce(writes, "rope adjacent=" + adjacent);
        assertClose(read(cpu, a, 1, v.length), device, "rope adjacent=" + adjacent);
      }
    }
  }

  @Test
  void rmsNormMatchesTheCpu() {
    int rows = 3;
    int dim = 300; // not a multiple of the 256 threads
    float[] x = gaussian(rows * dim);
    float[] gain = gaussian(dim);
    try (ComputeBackend cpu = ComputeBackends.open(KernelBackend.SCALAR, 1)) {
      Activations out = cpu.allocate(rows * dim);
      cpu.rmsNorm(of(cpu, x), 0, cpu.vector(gain), 1e-5f, out, 0, rows);
      assertClose(
          read(cpu, out, rows, dim), CudaKernelEmulation.rmsNorm(x, gain, 1e-5f, rows), "rms");
    }
  }

  @Test
  void attentionOverTheMirrorLayoutMatchesTheCpuWithItsWeights() {
    int heads = 4;
    int kvHeads = 2;
    int headSize = 8;
    int start = 5;
    int n = 3;
    int len = start + n;
    int kvDim = kvHeads * headSize;
    AttentionShape shape = new AttentionShape(heads, kvHeads, headSize);
    float[] keys = gaussian(len * kvDim); // position t at t * kvDim, as in the device mirror
    float[] values = gaussian(len * kvDim);
    float[] q = gaussian(n * heads * headSize);
    float[][] cpuWeights = new float[n * heads][];
    try (ComputeBackend cpu = ComputeBackends.open(KernelBackend.SCALAR, 1)) {
      KvCache cache = new KvCache(1, kvDim, 16, 4); // pages of 4: positions straddle pages
      cache.prepareAppend(len);
      cpu.storeKv(cache, 0, 0, len, of(cpu, keys), of(cpu, values));
      cache.commit(len);
      Activations out = cpu.allocate(n * heads * headSize);
      AttentionSink sink =
          new AttentionSink() {
            @Override
            public boolean wants(int index) {
              return true;
            }

            @Override
            public void record(int layer, int head, int index, float[] weights, int length) {
              cpuWeights[index * heads + head] = java.util.Arrays.copyOf(weights, length);
            }
          };
      cpu.attention(cache, 0, start, n, shape, of(cpu, q), out, sink);
      int layerOffset = 16 * kvDim; // layer 1 of a cache of capacity 16, behind layer 0's noise
      float[] mirrorKeys = gaussian(2 * layerOffset);
      float[] mirrorValues = gaussian(2 * layerOffset);
      System.arraycopy(keys, 0, mirrorKeys, layerOffset, keys.length);
      System.arraycopy(values, 0, mirrorValues, layerOffset, values.length);
      // Chunks of 3 (row 0, at position 5, leaves its third chunk empty), and the real 256.
      for (int chunk : new int[] {3, LaunchPlans.ATTENTION_CHUNK}) {
        float[] scores = new float[n * heads * len];
        int[] writes = new int[n * heads * headSize];
        float[] device =
            CudaKernelEmulation.attention(
                q,
                mirrorKeys,
                mirrorValues,
                layerOffset,
                scores,
                start,
                n,
                heads,
                kvHeads,
                headSize,
                chunk,
                writes);
        String at = "attention in chunks of " + chunk;
        assertOnce(writes, at);
        assertClose(read(cpu, out, n, heads * headSize), device, at);
        for (int i = 0; i < n; i++) {
          for (int h = 0; h < heads; h++) {
            float[] w = cpuWeights[i * heads + h];
            assertEquals(start + i + 1, w.length, "row " + i + " attends to its prefix");
            int from = (i * heads + h) * len;
            float[] mine = java.util.Arrays.copyOfRange(scores, from, from + w.length);
            assertClose(w, mine, at + ": weights row " + i + " head " + h);
          }
        }
      }
    }
  }

  @Test
  void theWarpShuffleSumsAllThirtyTwoLanes() {
    float[] lanes = new float[32];
    for (int i = 0; i < 32; i++) {
      lanes[i] = i + 1;
    }
    assertEquals(528f, CudaKernelEmulation.shuffleDownSum(lanes));
  }
}
