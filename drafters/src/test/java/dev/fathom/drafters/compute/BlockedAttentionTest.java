package dev.fathom.drafters.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Quantizer;
import dev.fathom.memory.KvCache;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The blocked attention of a batch on the Vector API against the scalar backend's attention (one
 * query head and position at a time): grouped-query heads, a cache that already holds positions
 * before the batch, batches that end inside a block, decode steps of one position over a few
 * hundred cached ones, head sizes of one and two vector pairs, and the weights an {@link
 * AttentionSink} receives.
 */
class BlockedAttentionTest {
  @Test
  void matchesTheScalarBackendAndRecordsTheSameWeights() {
    try (CpuBackend vector = new CpuBackend(KernelBackend.VECTOR, 2);
        CpuBackend scalar = new CpuBackend(KernelBackend.SCALAR, 1)) {
      int[][] cases = {
        // heads, kvHeads, headSize, start, n
        {8, 2, 64, 0, 16},
        {8, 2, 64, 37, 21},
        {4, 4, 32, 5, 40},
        {6, 2, 128, 64, 19},
        {8, 2, 64, 70, 2},
        {4, 1, 32, 3, 5},
        {32, 4, 64, 300, 11},
        // decode steps: one position, the query-head group in the kernels' query rows
        {32, 4, 64, 300, 1},
        {32, 4, 64, 517, 1},
        {8, 2, 64, 0, 1},
        {6, 2, 128, 203, 1},
        {4, 1, 32, 260, 1},
        // pages that are not a whole number of gathered key runs (page size last): runs that
        // would cross a page are copied key by key
        {32, 4, 64, 300, 1, 20},
        {8, 2, 64, 37, 21, 24},
        {8, 2, 64, 70, 2, 36}
      };
      for (int[] c : cases) {
        AttentionShape shape = new AttentionShape(c[0], c[1], c[2]);
        int start = c[3];
        int n = c[4];
        int page = c.length > 5 ? c[5] : KvCache.DEFAULT_PAGE_SIZE;
        assertTrue(BlockedAttention.suits(n, shape));
        Random random = new Random(n * 31L + start);
        int kvDim = c[1] * c[2];
        float[] keys = floats(random, (start + n) * kvDim);
        float[] values = floats(random, (start + n) * kvDim);
        float[] q = floats(random, n * shape.queryDim());
        Map<String, float[]> vectorWeights = new ConcurrentHashMap<>();
        Map<String, float[]> scalarWeights = new ConcurrentHashMap<>();
        float[] got = attend(vector, shape, start, n, page, keys, values, q, vectorWeights);
        float[] want = attend(scalar, shape, start, n, page, keys, values, q, scalarWeights);
        for (int i = 0; i < want.length; i++) {
          assertEquals(
              want[i],
              got[i],
              1e-5f * (1 + Math.abs(want[i])),
              "case " + c[3] + "/" + n + "/page " + page + " at " + i);
        }
        assertEquals(scalarWeights.keySet(), vectorWeights.keySet());
        assertEquals((n == 1 ? 1 : 2) * shape.heads(), vectorWeights.size());
        for (String k : scalarWeights.keySet()) {
          assertArrayEquals(scalarWeights.get(k), vectorWeights.get(k), 1e-6f, k);
        }
      }
    }
  }

  @Test
  void propertyValueMustBeABoolean() {
    var e = assertThrows(IllegalArgumentException.class, () -> BlockedAttention.enabled("on"));
    assertTrue(e.getMessage().contains(BlockedAttention.PROPERTY), e.getMessage());
  }

  /** Stores the cache's keys and values, then attends the batch; weights of rows 0 and n-1. */
  private static float[] attend(
      ComputeBackend b,
      AttentionShape shape,
      int start,
      int n,
      int page,
      float[] keys,
      float[] values,
      float[] q,
      Map<String, float[]> weights) {
    int kvDim = shape.kvHeads() * shape.headSize();
    KvCache cache = new KvCache(1, kvDim, start + n, page);
    cache.prepareAppend(start + n);
    b.storeKv(cache, 0, 0, start + n, of(b, keys), of(b, values));
    cache.commit(start + n);
    Activations out = b.allocate(n * shape.queryDim());
    AttentionSink sink =
        new AttentionSink() {
          @Override
          public boolean wants(int index) {
            return index == 0 || index == n - 1;
          }

          @Override
          public void record(int layer, int head, int index, float[] w, int length) {
            weights.put(head + "@" + index, java.util.Arrays.copyOf(w, length));
          }
        };
    b.attention(cache, 0, start, n, shape, of(b, q), out, sink);
    float[] r = new float[n * shape.queryDim()];
    int width = shape.queryDim();
    float[] eye = new float[width * width];
    for (int i = 0; i < width; i++) {
      eye[i * width + i] = 1f;
    }
    b.logits(f32(b, eye, width, width), out, n, r);
    return r;
  }

  private static float[] floats(Random random, int count) {
    float[] f = new float[count];
    for (int i = 0; i < count; i++) {
      f[i] = (float) random.nextGaussian();
    }
    return f;
  }

  private static WeightMatrix f32(ComputeBackend b, float[] values, int rows, int cols) {
    byte[] bytes = Quantizer.quantize(GgmlType.F32, values);
    return b.matrix(GgmlType.F32, MemorySegment.ofArray(bytes), rows, cols);
  }

  private static Activations of(ComputeBackend b, float[] values) {
    Activations a = b.allocate(values.length);
    b.embed(f32(b, values, 1, values.length), new int[] {0}, a);
    return a;
  }
}
