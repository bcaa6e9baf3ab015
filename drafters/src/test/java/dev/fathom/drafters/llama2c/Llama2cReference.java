package dev.fathom.drafters.llama2c;

/**
 * A deliberately plain scalar Llama forward pass, transcribed from {@code forward()} in
 * karpathy/llama2.c {@code run.c}: the independent reference the engine's optimised forward pass is
 * checked against. No vectors, no threads, float arithmetic in run.c's order.
 *
 * <p>Per block: RMSNorm (eps 1e-5) → q, k, v projections → RoPE rotating adjacent pairs {@code (i,
 * i+1)} by {@code pos / 10000^(i mod headSize / headSize)} (Su et al. 2021, RoFormer, eq. 34, in
 * the interleaved layout of Meta's Llama code) → causal attention with grouped-query heads (query
 * head h reads key/value head {@code h / (heads / kvHeads)}) → output projection and residual →
 * RMSNorm → SwiGLU feed-forward {@code w2(silu(w1 x) * w3 x)} (Shazeer 2020) and residual. Then a
 * final RMSNorm and the classifier.
 *
 * <p>Holds a float key/value cache for every position up to {@code seqLen}: call {@link #forward}
 * with positions 0, 1, 2, … in order.
 */
public final class Llama2cReference {
  private static final float RMS_EPS = 1e-5f;
  private static final float ROPE_THETA = 10000.0f;

  private final Llama2cCheckpoint w;
  private final Llama2cConfig c;
  // activations (run.c RunState)
  private final float[] x; // [dim] residual stream
  private final float[] xb; // [dim]
  private final float[] xb2; // [dim]
  private final float[] hb; // [hidden]
  private final float[] hb2; // [hidden]
  private final float[] q; // [dim]
  private final float[] att; // [heads * seqLen]
  private final float[] logits; // [vocab]
  private final float[] keyCache; // [layers][seqLen][kvDim]
  private final float[] valueCache; // [layers][seqLen][kvDim]

  public Llama2cReference(Llama2cCheckpoint weights) {
    this.w = weights;
    this.c = weights.config();
    x = new float[c.dim()];
    xb = new float[c.dim()];
    xb2 = new float[c.dim()];
    hb = new float[c.hiddenDim()];
    hb2 = new float[c.hiddenDim()];
    q = new float[c.dim()];
    att = new float[c.heads() * c.seqLen()];
    logits = new float[c.vocabSize()];
    keyCache = new float[Math.multiplyExact(c.layers() * c.seqLen(), c.kvDim())];
    valueCache = new float[keyCache.length];
  }

  public Llama2cConfig config() {
    return c;
  }

  /** Logits for the token after {@code token} at position {@code pos} (a fresh array). */
  public float[] forward(int token, int pos) {
    if (token < 0 || token >= c.vocabSize()) {
      throw new IllegalArgumentException(
          "token " + token + " is outside the vocabulary [0, " + c.vocabSize() + ")");
    }
    if (pos < 0 || pos >= c.seqLen()) {
      throw new IllegalArgumentException("position " + pos + " is outside [0, " + c.seqLen() + ")");
    }
    int dim = c.dim();
    int kvDim = c.kvDim();
    int kvMul = c.heads() / c.kvHeads();
    int hidden = c.hiddenDim();
    int headSize = c.headSize();

    System.arraycopy(w.tokenEmbedding(), token * dim, x, 0, dim);

    for (int l = 0; l < c.layers(); l++) {
      // attention rmsnorm
      rmsnorm(xb, x, w.rmsAtt(), l * dim, dim);

      // qkv: q = wq·xb; k and v go straight into this position's cache row
      int loff = (l * c.seqLen() + pos) * kvDim;
      matmul(q, 0, xb, w.wq(), l * dim * dim, dim, dim);
      matmul(keyCache, loff, xb, w.wk(), l * kvDim * dim, dim, kvDim);
      matmul(valueCache, loff, xb, w.wv(), l * kvDim * dim, dim, kvDim);

      // RoPE: rotate each adjacent pair of q (and of k while i < kvDim)
      for (int i = 0; i < dim; i += 2) {
        int headDim = i % headSize;
        float freq = 1.0f / (float) Math.pow(ROPE_THETA, headDim / (float) headSize);
        float val = pos * freq;
        float fcr = (float) Math.cos(val);
        float fci = (float) Math.sin(val);
        rotate(q, i, fcr, fci);
        if (i < kvDim) {
          rotate(keyCache, loff + i, fcr, fci);
        }
      }

      // multi-head attention over positions 0..pos
      for (int h = 0; h < c.heads(); h++) {
        int qo = h * headSize;
        int ao = h * c.seqLen();
        int kvHeadOff = (h / kvMul) * headSize;
        for (int t = 0; t <= pos; t++) {
          int ko = (l * c.seqLen() + t) * kvDim + kvHeadOff;
          float score = 0.0f;
          for (int i = 0; i < headSize; i++) {
            score += q[qo + i] * keyCache[ko + i];
          }
          att[ao + t] = score / (float) Math.sqrt(headSize);
        }
        softmax(att, ao, pos + 1);
        java.util.Arrays.fill(xb, qo, qo + headSize, 0.0f);
        for (int t = 0; t <= pos; t++) {
          int vo = (l * c.seqLen() + t) * kvDim + kvHeadOff;
          float a = att[ao + t];
          for (int i = 0; i < headSize; i++) {
            xb[qo + i] += a * valueCache[vo + i];
          }
        }
      }

      // output projection and residual
      matmul(xb2, 0, xb, w.wo(), l * dim * dim, dim, dim);
      for (int i = 0; i < dim; i++) {
        x[i] += xb2[i];
      }

      // ffn rmsnorm, then SwiGLU: w2(silu(w1·xb) * (w3·xb))
      rmsnorm(xb, x, w.rmsFfn(), l * dim, dim);
      matmul(hb, 0, xb, w.w1(), l * hidden * dim, dim, hidden);
      matmul(hb2, 0, xb, w.w3(), l * hidden * dim, dim, hidden);
      for (int i = 0; i < hidden; i++) {
        float val = hb[i];
        val *= (1.0f / (1.0f + (float) Math.exp(-val)));
        hb[i] = val * hb2[i];
      }
      matmul(xb, 0, hb, w.w2(), l * dim * hidden, hidden, dim);
      for (int i = 0; i < dim; i++) {
        x[i] += xb[i];
      }
    }

    rmsnorm(x, x, w.rmsFinal(), 0, dim);
    matmul(logits, 0, x, w.wcls(), 0, dim, c.vocabSize());
    return logits.clone();
  }

  /** Greedy decoding: feeds {@code prompt} from position 0, then {@code n} argmax tokens. */
  public int[] greedy(int[] prompt, int n) {
    int[] out = new int[n];
    int token = prompt[0];
    int pos = 0;
    int produced = 0;
    while (produced < n) {
      float[] l = forward(token, pos);
      int next = pos + 1 < prompt.length ? prompt[pos + 1] : argmax(l);
      if (pos + 1 >= prompt.length) {
        out[produced++] = next;
      }
      token = next;
      pos++;
    }
    return out;
  }

  public static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static void rotate(float[] v, int i, float fcr, float fci) {
    float v0 = v[i];
    float v1 = v[i + 1];
    v[i] = v0 * fcr - v1 * fci;
    v[i + 1] = v0 * fci + v1 * fcr;
  }

  /** o = weight ⊙ (x / sqrt(mean(x²) + eps)), Zhang &amp; Sennrich 2019. */
  private static void rmsnorm(float[] o, float[] x, float[] weight, int wOff, int size) {
    float ss = 0.0f;
    for (int j = 0; j < size; j++) {
      ss += x[j] * x[j];
    }
    ss /= size;
    ss += RMS_EPS;
    ss = 1.0f / (float) Math.sqrt(ss);
    for (int j = 0; j < size; j++) {
      o[j] = weight[wOff + j] * (ss * x[j]);
    }
  }

  private static void softmax(float[] x, int off, int size) {
    float max = x[off];
    for (int i = 1; i < size; i++) {
      max = Math.max(max, x[off + i]);
    }
    float sum = 0.0f;
    for (int i = 0; i < size; i++) {
      x[off + i] = (float) Math.exp(x[off + i] - max);
      sum += x[off + i];
    }
    for (int i = 0; i < size; i++) {
      x[off + i] /= sum;
    }
  }

  /** W (d,n) @ x (n,) → out[outOff..outOff+d): out[i] = Σ_j W[i][j] x[j]. */
  private static void matmul(
      float[] out, int outOff, float[] x, float[] w, int wOff, int n, int d) {
    for (int i = 0; i < d; i++) {
      float val = 0.0f;
      int row = wOff + i * n;
      for (int j = 0; j < n; j++) {
        val += w[row + j] * x[j];
      }
      out[outOff + i] = val;
    }
  }
}
