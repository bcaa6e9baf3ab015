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
 * The architecture variants the engine claims — Qwen2 (attention biases, RoPE over halves, tied
 * output), Llama 3.1 (rope_freqs factors), linear RoPE scaling, grouped-query attention — each
 * checked on both CPU kernel sets against {@link #reference}, a deliberately plain transformer
 * written from the papers' equations, on small random-weight GGUF files written by the project's
 * own writer.
 */
class ArchitecturesTest {
  @TempDir Path dir;

  record Shape(
      String arch,
      int dim,
      int hidden,
      int layers,
      int heads,
      int kvHeads,
      int vocab,
      float theta,
      boolean biases,
      boolean tied,
      boolean ropeFreqs,
      float linearScale) {}

  @Test
  void qwen2WithBiasesHalvesRopeAndTiedOutputMatchesTheReference() throws Exception {
    check(new Shape("qwen2", 32, 48, 2, 4, 2, 50, 1_000_000f, true, true, false, 1f));
  }

  @Test
  void llama31RopeFrequencyFactorsMatchTheReference() throws Exception {
    check(new Shape("llama", 32, 64, 2, 4, 1, 40, 500_000f, false, false, true, 1f));
  }

  @Test
  void linearRopeScalingMatchesTheReference() throws Exception {
    check(new Shape("llama", 24, 40, 1, 2, 2, 30, 10_000f, false, true, false, 4f));
  }

  private void check(Shape s) throws Exception {
    Random rnd = new Random(s.hashCode());
    Map<String, float[]> w = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    int hs = s.dim() / s.heads();
    int kvDim = s.kvHeads() * hs;
    put(w, shapes, rnd, "token_embd.weight", s.vocab(), s.dim(), 0.5f);
    for (int l = 0; l < s.layers(); l++) {
      String b = "blk." + l + ".";
      putNorm(w, shapes, rnd, b + "attn_norm.weight", s.dim());
      put(w, shapes, rnd, b + "attn_q.weight", s.dim(), s.dim(), 0.3f);
      put(w, shapes, rnd, b + "attn_k.weight", kvDim, s.dim(), 0.3f);
      put(w, shapes, rnd, b + "attn_v.weight", kvDim, s.dim(), 0.3f);
      put(w, shapes, rnd, b + "attn_output.weight", s.dim(), s.dim(), 0.3f);
      if (s.biases()) {
        putVector(w, shapes, rnd, b + "attn_q.bias", s.dim(), 0.2f);
        putVector(w, shapes, rnd, b + "attn_k.bias", kvDim, 0.2f);
        putVector(w, shapes, rnd, b + "attn_v.bias", kvDim, 0.2f);
      }
      putNorm(w, shapes, rnd, b + "ffn_norm.weight", s.dim());
      put(w, shapes, rnd, b + "ffn_gate.weight", s.hidden(), s.dim(), 0.3f);
      put(w, shapes, rnd, b + "ffn_up.weight", s.hidden(), s.dim(), 0.3f);
      put(w, shapes, rnd, b + "ffn_down.weight", s.dim(), s.hidden(), 0.3f);
    }
    putNorm(w, shapes, rnd, "output_norm.weight", s.dim());
    if (!s.tied()) {
      put(w, shapes, rnd, "output.weight", s.vocab(), s.dim(), 0.5f);
    }
    if (s.ropeFreqs()) {
      float[] f = new float[hs / 2];
      for (int j = 0; j < f.length; j++) {
        f[j] = j < f.length / 2 ? 1f : 1f + 3f * j / f.length; // low frequencies stretched
      }
      w.put("rope_freqs.weight", f);
      shapes.put("rope_freqs.weight", new long[] {f.length});
    }

    GgufWriter writer = new GgufWriter();
    String a = s.arch();
    writer.put("general.architecture", a);
    writer.put(a + ".embedding_length", GgufValue.uint32(s.dim()));
    writer.put(a + ".feed_forward_length", GgufValue.uint32(s.hidden()));
    writer.put(a + ".block_count", GgufValue.uint32(s.layers()));
    writer.put(a + ".attention.head_count", GgufValue.uint32(s.heads()));
    writer.put(a + ".attention.head_count_kv", GgufValue.uint32(s.kvHeads()));
    writer.put(a + ".context_length", GgufValue.uint32(64));
    writer.put(a + ".attention.layer_norm_rms_epsilon", GgufValue.float32(1e-6f));
    writer.put(a + ".rope.freq_base", GgufValue.float32(s.theta()));
    if (s.linearScale() != 1f) {
      writer.put(a + ".rope.scaling.type", "linear");
      writer.put(a + ".rope.scaling.factor", GgufValue.float32(s.linearScale()));
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    for (var e : w.entrySet()) {
      writer.addTensor(e.getKey(), GgmlType.F32, shapes.get(e.getKey()));
      data.put(e.getKey(), Quantizer.quantize(GgmlType.F32, e.getValue()));
    }
    Path file = dir.resolve(a + ".gguf");
    writer.write(file, data);

    int[] tokens = {3, 17, 5, 9, 1, 22, 8};
    float[] ref = reference(s, w, tokens);
    for (KernelBackend kernels : KernelBackend.values()) {
      try (GgufFile gguf = GgufFile.open(file);
          ComputeBackend backend = ComputeBackends.open(kernels, 2)) {
        ModelConfig config = ModelConfig.from(gguf);
        LlamaModel model = new LlamaModel(gguf, config, backend, 64);
        KvCache cache = model.newCache();
        float[] engine = model.forward(cache, tokens, true, null);
        for (int i = 0; i < ref.length; i++) {
          assertEquals(ref[i], engine[i], 2e-4f * (1 + Math.abs(ref[i])), kernels + " logit " + i);
        }
      }
    }
  }

  /**
   * A plain transformer: RMSNorm, (biased) projections, RoPE, causal GQA softmax attention, SwiGLU.
   */
  static float[] reference(Shape s, Map<String, float[]> w, int[] tokens) {
    int dim = s.dim();
    int hs = dim / s.heads();
    int kvDim = s.kvHeads() * hs;
    int n = tokens.length;
    float[][] x = new float[n][];
    for (int i = 0; i < n; i++) {
      x[i] = row(w.get("token_embd.weight"), tokens[i], dim);
    }
    for (int l = 0; l < s.layers(); l++) {
      String b = "blk." + l + ".";
      float[][] q = new float[n][];
      float[][] k = new float[n][];
      float[][] v = new float[n][];
      for (int i = 0; i < n; i++) {
        float[] xb = rmsnorm(x[i], w.get(b + "attn_norm.weight"));
        q[i] = add(matvec(w.get(b + "attn_q.weight"), xb, dim), w.get(b + "attn_q.bias"));
        k[i] = add(matvec(w.get(b + "attn_k.weight"), xb, kvDim), w.get(b + "attn_k.bias"));
        v[i] = add(matvec(w.get(b + "attn_v.weight"), xb, kvDim), w.get(b + "attn_v.bias"));
        rope(s, w.get("rope_freqs.weight"), q[i], i);
        rope(s, w.get("rope_freqs.weight"), k[i], i);
      }
      for (int i = 0; i < n; i++) {
        float[] att = new float[dim];
        for (int h = 0; h < s.heads(); h++) {
          int kvh = h / (s.heads() / s.kvHeads());
          double[] scores = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int t = 0; t <= i; t++) {
            double d = 0;
            for (int j = 0; j < hs; j++) {
              d += q[i][h * hs + j] * k[t][kvh * hs + j];
            }
            scores[t] = d / Math.sqrt(hs);
            max = Math.max(max, scores[t]);
          }
          double sum = 0;
          for (int t = 0; t <= i; t++) {
            scores[t] = Math.exp(scores[t] - max);
            sum += scores[t];
          }
          for (int t = 0; t <= i; t++) {
            for (int j = 0; j < hs; j++) {
              att[h * hs + j] += (float) (scores[t] / sum * v[t][kvh * hs + j]);
            }
          }
        }
        x[i] = add(x[i], matvec(w.get(b + "attn_output.weight"), att, dim));
        float[] xb = rmsnorm(x[i], w.get(b + "ffn_norm.weight"));
        float[] g = matvec(w.get(b + "ffn_gate.weight"), xb, s.hidden());
        float[] u = matvec(w.get(b + "ffn_up.weight"), xb, s.hidden());
        for (int j = 0; j < g.length; j++) {
          g[j] = (float) (g[j] / (1 + Math.exp(-g[j])) * u[j]);
        }
        x[i] = add(x[i], matvec(w.get(b + "ffn_down.weight"), g, dim));
      }
    }
    float[] out = w.get(s.tied() ? "token_embd.weight" : "output.weight");
    float[] logits = new float[n * s.vocab()];
    for (int i = 0; i < n; i++) {
      float[] lg = matvec(out, rmsnorm(x[i], w.get("output_norm.weight")), s.vocab());
      System.arraycopy(lg, 0, logits, i * s.vocab(), s.vocab());
    }
    return logits;
  }

  /** RoPE (RoFormer eq. 34): Llama's GGUF layout pairs (2j, 2j+1), Qwen2's pairs (j, j+hs/2). */
  static void rope(Shape s, float[] factors, float[] v, int pos) {
    int hs = s.dim() / s.heads();
    for (int h = 0; h < v.length / hs; h++) {
      for (int j = 0; j < hs / 2; j++) {
        double freq = Math.pow(s.theta(), -2.0 * j / hs) / (factors == null ? 1 : factors[j]);
        double angle = pos / (double) s.linearScale() * freq;
        int a = s.arch().equals("qwen2") ? h * hs + j : h * hs + 2 * j;
        int b = s.arch().equals("qwen2") ? a + hs / 2 : a + 1;
        double x0 = v[a];
        double x1 = v[b];
        v[a] = (float) (x0 * Math.cos(angle) - x1 * Math.sin(angle));
        v[b] = (float) (x0 * Math.sin(angle) + x1 * Math.cos(angle));
      }
    }
  }

  static float[] rmsnorm(float[] x, float[] weight) {
    double ss = 0;
    for (float f : x) {
      ss += f * f;
    }
    double r = 1 / Math.sqrt(ss / x.length + 1e-6);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (x[i] * r * weight[i]);
    }
    return out;
  }

  static float[] matvec(float[] m, float[] x, int rows) {
    float[] out = new float[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < x.length; c++) {
        s += m[r * x.length + c] * x[c];
      }
      out[r] = (float) s;
    }
    return out;
  }

  static float[] add(float[] a, float[] b) {
    if (b == null) {
      return a;
    }
    float[] out = a.clone();
    for (int i = 0; i < a.length; i++) {
      out[i] += b[i];
    }
    return out;
  }

  static float[] row(float[] m, int r, int cols) {
    float[] out = new float[cols];
    System.arraycopy(m, r * cols, out, 0, cols);
    return out;
  }

  private static void put(
      Map<String, float[]> w,
      Map<String, long[]> shapes,
      Random r,
      String name,
      int rows,
      int cols,
      float scale) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian() * scale;
    }
    w.put(name, v);
    shapes.put(name, new long[] {cols, rows});
  }

  private static void putVector(
      Map<String, float[]> w,
      Map<String, long[]> shapes,
      Random r,
      String name,
      int n,
      float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian() * scale;
    }
    w.put(name, v);
    shapes.put(name, new long[] {n});
  }

  private static void putNorm(
      Map<String, float[]> w, Map<String, long[]> shapes, Random r, String name, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = 1f + 0.1f * (float) r.nextGaussian();
    }
    w.put(name, v);
    shapes.put(name, new long[] {n});
  }
}
