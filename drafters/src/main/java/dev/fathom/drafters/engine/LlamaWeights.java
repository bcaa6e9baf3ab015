package dev.fathom.drafters.engine;

import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufFormatException;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import dev.fathom.drafters.tensor.Matrices;
import dev.fathom.drafters.tensor.Matrix;
import dev.fathom.drafters.tensor.Parallel;

/**
 * The weights of a llama-family model, as views over the mapped GGUF file (matrices are never
 * copied; only the small norm and bias vectors are read into arrays). Tensor names follow
 * llama.cpp's GGUF naming ({@code llama-arch.cpp}).
 */
final class LlamaWeights {
  final Matrix tokenEmbedding; // [vocab rows][dim]
  final float[][] attnNorm; // [layer][dim]
  final Matrix[] wq; // [layer] (queryDim rows × dim)
  final Matrix[] wk; // [layer] (kvDim × dim)
  final Matrix[] wv; // [layer] (kvDim × dim)
  final Matrix[] wo; // [layer] (dim × queryDim)
  final float[][] bq; // [layer][queryDim] or null (Qwen2 has attention biases)
  final float[][] bk; // [layer][kvDim] or null
  final float[][] bv; // [layer][kvDim] or null
  final float[][] ffnNorm; // [layer][dim]
  final Matrix[] wGate; // [layer] (hiddenDim × dim)
  final Matrix[] wUp; // [layer] (hiddenDim × dim)
  final Matrix[] wDown; // [layer] (dim × hiddenDim)
  final float[] outputNorm; // [dim]
  final Matrix output; // (vocab × dim); the token embedding when tied
  final float[] ropeFreqs; // [headSize/2] Llama 3.1 frequency factors, or null

  LlamaWeights(GgufFile file, ModelConfig c, Parallel parallel) {
    Loader l = new Loader(file, parallel);
    int n = c.layers();
    tokenEmbedding = l.matrix("token_embd.weight", c.vocabularySize(), c.dim());
    attnNorm = new float[n][];
    wq = new Matrix[n];
    wk = new Matrix[n];
    wv = new Matrix[n];
    wo = new Matrix[n];
    bq = new float[n][];
    bk = new float[n][];
    bv = new float[n][];
    ffnNorm = new float[n][];
    wGate = new Matrix[n];
    wUp = new Matrix[n];
    wDown = new Matrix[n];
    for (int i = 0; i < n; i++) {
      String b = "blk." + i + ".";
      attnNorm[i] = l.vector(b + "attn_norm.weight", c.dim());
      wq[i] = l.matrix(b + "attn_q.weight", c.queryDim(), c.dim());
      wk[i] = l.matrix(b + "attn_k.weight", c.kvDim(), c.dim());
      wv[i] = l.matrix(b + "attn_v.weight", c.kvDim(), c.dim());
      wo[i] = l.matrix(b + "attn_output.weight", c.dim(), c.queryDim());
      bq[i] = l.optionalVector(b + "attn_q.bias", c.queryDim());
      bk[i] = l.optionalVector(b + "attn_k.bias", c.kvDim());
      bv[i] = l.optionalVector(b + "attn_v.bias", c.kvDim());
      ffnNorm[i] = l.vector(b + "ffn_norm.weight", c.dim());
      wGate[i] = l.matrix(b + "ffn_gate.weight", c.hiddenDim(), c.dim());
      wUp[i] = l.matrix(b + "ffn_up.weight", c.hiddenDim(), c.dim());
      wDown[i] = l.matrix(b + "ffn_down.weight", c.dim(), c.hiddenDim());
    }
    outputNorm = l.vector("output_norm.weight", c.dim());
    output =
        file.hasTensor("output.weight")
            ? l.matrix("output.weight", c.vocabularySize(), c.dim())
            : tokenEmbedding;
    ropeFreqs = l.optionalVector("rope_freqs.weight", c.headSize() / 2);
  }

  /** Bytes of weights a decode step reads: every matrix once (the embedding row is negligible). */
  long bytesPerToken() {
    long sum = output.data().byteSize();
    for (int i = 0; i < wq.length; i++) {
      sum += wq[i].data().byteSize() + wk[i].data().byteSize() + wv[i].data().byteSize();
      sum += wo[i].data().byteSize() + wGate[i].data().byteSize() + wUp[i].data().byteSize();
      sum += wDown[i].data().byteSize();
    }
    return sum;
  }

  /** Looks tensors up by name and checks their type and shape, naming the tensor on failure. */
  private record Loader(GgufFile file, Parallel parallel) {
    Matrix matrix(String name, int rows, int cols) {
      GgufTensorInfo t = file.tensor(name);
      if (t.columns() != cols || t.rows() != rows) {
        throw fail(t, "expected " + cols + " x " + rows);
      }
      if (!t.type().computable()) {
        throw fail(
            t,
            "type " + t.type() + " is not supported (F32 F16 BF16 Q8_0 Q4_0 Q4_K Q5_K Q6_K are)");
      }
      return Matrices.of(t.type(), file.data(t), rows, cols, parallel);
    }

    float[] vector(String name, int n) {
      GgufTensorInfo t = file.tensor(name);
      if (t.elementCount() != n) {
        throw fail(t, "expected " + n + " elements");
      }
      float[] v = new float[n];
      matrix(name, 1, n).row(0, v, 0);
      return v;
    }

    float[] optionalVector(String name, int n) {
      return file.hasTensor(name) ? vector(name, n) : null;
    }

    private GgufFormatException fail(GgufTensorInfo t, String why) {
      return new GgufFormatException(
          file.path() + ": tensor '" + t.name() + "' is " + t.describe() + ": " + why);
    }
  }
}
