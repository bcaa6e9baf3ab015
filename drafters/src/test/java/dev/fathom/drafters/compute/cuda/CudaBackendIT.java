package dev.fathom.drafters.compute.cuda;

import static dev.fathom.drafters.compute.cuda.BackendIo.matrix;
import static dev.fathom.drafters.compute.cuda.BackendIo.of;
import static dev.fathom.drafters.compute.cuda.BackendIo.read;
import static dev.fathom.drafters.compute.cuda.BackendIo.scale;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.compute.Activations;
import dev.fathom.drafters.compute.AttentionShape;
import dev.fathom.drafters.compute.AttentionSink;
import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.ComputeBackends;
import dev.fathom.drafters.compute.RotaryTable;
import dev.fathom.drafters.compute.WeightMatrix;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.memory.KvCache;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every operation of the CUDA backend against the CPU backend's scalar reference kernels, on small
 * synthetic weights of every weight type. Needs a CUDA device: without one every test is skipped
 * (an assumption failure, reported as skipped with the probe's reason), never passed. (The whole
 * forward pass on stories260K and on a model of mixed types: {@code CudaModelIT}.)
 */
class CudaBackendIT {
  private static ComputeBackend gpu;
  private static ComputeBackend cpu;
  private static final Random RND = new Random(5);

  /**
   * Per test, not in {@code @BeforeAll}: surefire reports an assumption failed there as no tests at
   * all, while one failed here shows every test as skipped with the reason.
   */
  @BeforeEach
  void open() {
    CudaDevice.Probe p = CudaDevice.probe();
    assumeTrue(p.available(), p.reason());
    if (gpu == null) {
      gpu = new CudaBackend();
      cpu = ComputeBackends.open(KernelBackend.SCALAR, 2);
    }
  }

  @AfterAll
  static void close() {
    if (gpu != null) {
      gpu.close();
      cpu.close();
    }
  }

  private static float[] gaussian(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) RND.nextGaussian();
    }
    return x;
  }

  /** Within 1e-4 of the largest expected magnitude: summation order differs, nothing else. */
  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    float tolerance = 1e-4f * scale(expected) + 1e-6f;
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance, what + " [" + i + "]");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
  void productsAndEmbeddingsMatchTheReference(GgmlType type) {
    int rows = 75;
    int cols = 768;
    float[] w = gaussian(rows * cols);
    WeightMatrix g = matrix(gpu, type, w, rows, cols);
    WeightMatrix c = matrix(cpu, type, w, rows, cols);
    assertEquals(c.byteSize(), g.byteSize());
    for (int n : new int[] {1, 2, 9, 64}) {
      float[] x = gaussian(n * cols);
      Activations go = gpu.allocate(n * rows);
      Activations co = cpu.allocate(n * rows);
      gpu.matmul(g, of(gpu, x), n, go);
      cpu.matmul(c, of(cpu, x), n, co);
      assertClose(read(cpu, co, n, rows), read(gpu, go, n, rows), type + " matmul n=" + n);
      float[] gl = new float[n * rows];
      float[] cl = new float[n * rows];
      gpu.logits(g, of(gpu, x), n, gl);
      cpu.logits(c, of(cpu, x), n, cl);
      assertClose(cl, gl, type + " logits n=" + n);
    }
    int[] tokens = {3, 0, 74, 3};
    Activations ge = gpu.allocate(tokens.length * cols);
    Activations ce = cpu.allocate(tokens.length * cols);
    gpu.embed(g, tokens, ge);
    cpu.embed(c, tokens, ce);
    assertClose(
        read(cpu, ce, tokens.length, cols), read(gpu, ge, tokens.length, cols), type + " embed");
  }

  @Test
  void elementwiseOperationsMatchTheReference() {
    int rows = 3;
    int dim = 320;
    float[] x = gaussian(rows * dim);
    float[] y = gaussian(rows * dim);
    float[] gain = gaussian(dim);
    float[][] results = new float[2][];
    ComputeBackend[] both = {cpu, gpu};
    for (int k = 0; k < 2; k++) {
      ComputeBackend b = both[k];
      Activations a = of(b, x);
      Activations out = b.allocate(rows * dim);
      b.rmsNorm(a, 1, b.vector(gain), 1e-5f, out, 0, 2);
      b.swiglu(out, of(b, y), 2 * dim);
      b.add(out, a, 2 * dim);
      b.addBias(out, b.vector(gain), 2);
      results[k] = read(b, out, 2, dim);
    }
    assertClose(results[0], results[1], "rmsNorm, swiglu, add, addBias");
  }

  @Test
  void ropeMatchesTheReferenceInBothStyles() {
    int half = 32;
    int positions = 40;
    float[] cos = new float[positions * half];
    float[] sin = new float[positions * half];
    for (int i = 0; i < cos.length; i++) {
      cos[i] = (float) Math.cos(0.01 * i);
      sin[i] = (float) Math.sin(0.01 * i);
    }
    for (boolean adjacent : new boolean[] {true, false}) {
      float[] v = gaussian(5 * 4 * 2 * half);
      float[][] results = new float[2][];
      ComputeBackend[] both = {cpu, gpu};
      for (int k = 0; k < 2; k++) {
        ComputeBackend b = both[k];
        Activations a = of(b, v);
        b.rope(new RotaryTable(b.vector(cos), b.vector(sin), half, adjacent), a, 5, 4, 30);
        results[k] = read(b, a, 1, v.length);
      }
      assertClose(results[0], results[1], "rope adjacent=" + adjacent);
    }
  }

  /** Attention weights as a sink receives them, by batch row and head. */
  private static final class Recorder implements AttentionSink {
    final float[][] weights;
    final int heads;

    Recorder(int n, int heads) {
      this.weights = new float[n * heads][];
      this.heads = heads;
    }

    @Override
    public boolean wants(int index) {
      return index % 2 == 0;
    }

    @Override
    public void record(int layer, int head, int index, float[] w, int length) {
      weights[index * heads + head] = Arrays.copyOf(w, length);
    }
  }

  @Test
  void attentionOverTheDeviceCacheMatchesTheReferenceThroughForksAndTruncation() {
    AttentionShape shape = new AttentionShape(8, 2, 64);
    int kvDim = shape.kvDim();
    int layers = 2;
    KvCache gc = new KvCache(layers, kvDim, 256, 16);
    KvCache cc = new KvCache(layers, kvDim, 256, 16);
    // A prefill of 37 positions, two decode steps, a rejected draft of 5, a fork that goes on.
    int[][] steps = {{0, 37}, {37, 1}, {38, 1}, {39, 5}};
    for (int[] s : steps) {
      step(gc, cc, shape, s[0], s[1]);
    }
    gc.truncate(39);
    cc.truncate(39);
    step(gc, cc, shape, 39, 3);
    KvCache gf = gc.fork();
    KvCache cf = cc.fork();
    step(gf, cf, shape, 42, 2); // the fork's mirror uploads the shared 42 positions first
    step(gc, cc, shape, 42, 1); // the parent goes on with its own position 42
    // The write-through left the same keys and values in the heap pages.
    for (int pos = 0; pos < 43; pos++) {
      for (int l = 0; l < layers; l++) {
        float[] g = Arrays.copyOfRange(gc.keys(l, pos), gc.offset(pos), gc.offset(pos) + kvDim);
        float[] c = Arrays.copyOfRange(cc.keys(l, pos), cc.offset(pos), cc.offset(pos) + kvDim);
        assertClose(c, g, "heap keys layer " + l + " position " + pos);
      }
    }
    gc.compact(new int[] {0, 5, 9, 40}, null); // eviction rewrites the heap: the mirror reloads
    cc.compact(new int[] {0, 5, 9, 40}, null);
    step(gc, cc, shape, 4, 2);
  }

  /** Stores {@code n} random rows at {@code start} in every layer and compares the attention. */
  private static void step(KvCache gc, KvCache cc, AttentionShape shape, int start, int n) {
    assertEquals(start, gc.length());
    gc.prepareAppend(n);
    cc.prepareAppend(n);
    for (int l = 0; l < gc.layers(); l++) {
      float[] k = gaussian(n * shape.kvDim());
      float[] v = gaussian(n * shape.kvDim());
      float[] q = gaussian(n * shape.queryDim());
      gpu.storeKv(gc, l, start, n, of(gpu, k), of(gpu, v));
      cpu.storeKv(cc, l, start, n, of(cpu, k), of(cpu, v));
      Recorder gr = new Recorder(n, shape.heads());
      Recorder cr = new Recorder(n, shape.heads());
      Activations go = gpu.allocate(n * shape.queryDim());
      Activations co = cpu.allocate(n * shape.queryDim());
      gpu.attention(gc, l, start, n, shape, of(gpu, q), go, gr);
      cpu.attention(cc, l, start, n, shape, of(cpu, q), co, cr);
      String at = "start " + start + " n " + n + " layer " + l;
      assertClose(read(cpu, co, n, shape.queryDim()), read(gpu, go, n, shape.queryDim()), at);
      for (int i = 0; i < cr.weights.length; i++) {
        if (cr.weights[i] == null) {
          assertEquals(null, gr.weights[i], at + ": unwanted row " + i + " was delivered");
        } else {
          assertClose(cr.weights[i], gr.weights[i], at + " weights " + i);
        }
      }
    }
    gc.commit(n);
    cc.commit(n);
  }

  @Test
  void badShapesAreRefusedBeforeAnyLaunch() {
    WeightMatrix w = matrix(gpu, GgmlType.F32, gaussian(64), 8, 8);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> gpu.matmul(w, gpu.allocate(8), 2, gpu.allocate(16)));
    assertEquals("product input of 2 rows needs 16 floats; the activations hold 8", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> gpu.embed(w, new int[] {8}, gpu.allocate(8)));
  }
}
