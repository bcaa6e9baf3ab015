package dev.fathom.drafters.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Quantizer;
import dev.fathom.memory.KvCache;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each operation of the CPU backend against its formula, on both kernel sets. Activations are only
 * reachable through the backend, so results are read back through {@link ComputeBackend#logits}
 * with an identity matrix.
 */
class CpuBackendTest {
  /** Reads the first {@code n} rows of {@code width} floats back through an identity product. */
  private static float[] read(ComputeBackend b, Activations x, int n, int width) {
    float[] eye = new float[width * width];
    for (int i = 0; i < width; i++) {
      eye[i * width + i] = 1f;
    }
    WeightMatrix id = f32(b, eye, width, width);
    float[] out = new float[n * width];
    b.logits(id, x, n, out);
    return out;
  }

  private static WeightMatrix f32(ComputeBackend b, float[] values, int rows, int cols) {
    byte[] bytes = Quantizer.quantize(GgmlType.F32, values);
    return b.matrix(GgmlType.F32, MemorySegment.ofArray(bytes), rows, cols);
  }

  /** Activations holding {@code values}, written through an embedding lookup of row 0. */
  private static Activations of(ComputeBackend b, float[] values) {
    Activations a = b.allocate(values.length);
    b.embed(f32(b, values, 1, values.length), new int[] {0}, a);
    return a;
  }

  @ParameterizedTest
  @EnumSource(KernelBackend.class)
  void rmsNormDividesByTheRootMeanSquareAndScales(KernelBackend kernels) {
    try (ComputeBackend b = ComputeBackends.open(kernels, 2)) {
      Activations x = of(b, new float[] {1f, 1f, 3f, 4f}); // two rows of 2
      Activations out = b.allocate(2);
      b.rmsNorm(x, 1, b.vector(new float[] {2f, 0.5f}), 0f, out, 0, 1);
      float[] r = read(b, out, 1, 2);
      float rms = (float) Math.sqrt(12.5);
      assertEquals(3f / rms * 2f, r[0], 1e-6f);
      assertEquals(4f / rms * 0.5f, r[1], 1e-6f);
    }
  }

  @ParameterizedTest
  @EnumSource(KernelBackend.class)
  void swigluGatesUpAndAddIsTheResidual(KernelBackend kernels) {
    try (ComputeBackend b = ComputeBackends.open(kernels, 1)) {
      Activations gate = of(b, new float[] {1f, -2f});
      b.swiglu(gate, of(b, new float[] {3f, 5f}), 2);
      float[] g = read(b, gate, 1, 2);
      assertEquals(1f / (1f + (float) Math.exp(-1)) * 3f, g[0], 1e-6f);
      assertEquals(-2f / (1f + (float) Math.exp(2)) * 5f, g[1], 1e-6f);
      b.add(gate, of(b, new float[] {10f, 20f}), 2);
      b.addBias(gate, b.vector(new float[] {100f, 200f}), 1);
      float[] y = read(b, gate, 1, 2);
      assertEquals(g[0] + 110f, y[0], 1e-5f);
      assertEquals(g[1] + 220f, y[1], 1e-5f);
    }
  }

  @ParameterizedTest
  @EnumSource(KernelBackend.class)
  void ropeRotatesAdjacentPairsOrHalvesByThePositionsAngle(KernelBackend kernels) {
    try (ComputeBackend b = ComputeBackends.open(kernels, 1)) {
      int half = 2;
      float[] cos = new float[3 * half];
      float[] sin = new float[3 * half];
      for (int p = 0; p < 3; p++) {
        for (int j = 0; j < half; j++) {
          cos[p * half + j] = (float) Math.cos(0.3 * p * (j + 1));
          sin[p * half + j] = (float) Math.sin(0.3 * p * (j + 1));
        }
      }
      for (boolean adjacent : new boolean[] {true, false}) {
        RotaryTable t = new RotaryTable(b.vector(cos), b.vector(sin), half, adjacent);
        Activations v = of(b, new float[] {1f, 2f, 3f, 4f});
        b.rope(t, v, 1, 1, 2); // one head of 4 at position 2
        float[] r = read(b, v, 1, 4);
        int a0 = 0;
        int b0 = adjacent ? 1 : 2; // pair j = 0
        float[] in = {1f, 2f, 3f, 4f};
        float c = cos[2 * half];
        float s = sin[2 * half];
        assertEquals(in[a0] * c - in[b0] * s, r[a0], 1e-6f, "adjacent=" + adjacent);
        assertEquals(in[a0] * s + in[b0] * c, r[b0], 1e-6f, "adjacent=" + adjacent);
      }
      RotaryTable t = new RotaryTable(b.vector(cos), b.vector(sin), half, true);
      assertThrows(IllegalArgumentException.class, () -> b.rope(t, b.allocate(8), 2, 1, 2));
    }
  }

  @ParameterizedTest
  @EnumSource(KernelBackend.class)
  void attentionIsTheSoftmaxWeightedSumOfValuesAndReportsItsWeights(KernelBackend kernels) {
    try (ComputeBackend b = ComputeBackends.open(kernels, 2)) {
      AttentionShape shape = new AttentionShape(2, 1, 2); // two query heads share one kv head
      KvCache cache = new KvCache(1, 2, 8);
      cache.prepareAppend(2);
      float[] keys = {1f, 0f, 0f, 1f};
      float[] values = {10f, 20f, 30f, 40f};
      b.storeKv(cache, 0, 0, 2, of(b, keys), of(b, values));
      cache.commit(2);
      float[] q = {0f, 0f, 0f, 0f, 2f, 0f, 0f, 2f}; // position 0 (unused), position 1
      Activations out = b.allocate(8);
      Map<Integer, float[]> seen = new ConcurrentHashMap<>();
      AttentionSink sink =
          new AttentionSink() {
            @Override
            public boolean wants(int index) {
              return index == 1;
            }

            @Override
            public void record(int layer, int head, int index, float[] weights, int length) {
              seen.put(head, java.util.Arrays.copyOf(weights, length));
            }
          };
      b.attention(cache, 0, 0, 2, shape, of(b, q), out, sink);
      float[] r = read(b, out, 2, 4);
      // Row 0 sees only position 0.
      assertEquals(10f, r[0], 1e-5f);
      assertEquals(20f, r[1], 1e-5f);
      // Row 1, head 0: scores (2, 0)/√2 → weights softmax; head 1: (0, 2)/√2.
      double e = Math.exp(2 / Math.sqrt(2));
      double w0 = e / (e + 1);
      assertEquals((float) (w0 * 10 + (1 - w0) * 30), r[4], 1e-4f);
      assertEquals((float) ((1 - w0) * 10 + w0 * 30), r[6], 1e-4f);
      assertEquals(2, seen.size());
      assertEquals((float) w0, seen.get(0)[0], 1e-6f);
      assertEquals(1f, seen.get(1)[0] + seen.get(1)[1], 1e-6f);
    }
  }
}
