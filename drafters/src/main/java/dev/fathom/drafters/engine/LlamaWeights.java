package dev.fathom.drafters.engine;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.WeightMatrix;
import dev.fathom.drafters.compute.WeightVector;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufFormatException;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import dev.fathom.drafters.tensor.KernelBackend;
import dev.fathom.drafters.tensor.Kernels;

/**
 * The weights of a llama-family model, each handed to the {@link ComputeBackend} once (the CPU
 * backend keeps matrices as views over the mapped GGUF file, never copied; the small norm and bias
 * vectors are dequantised first). Tensor names follow llama.cpp's GGUF naming ({@code
 * llama-arch.cpp}).
 */
final class LlamaWeights {
  final WeightMatrix tokenEmbedding; // [vocab rows][dim]
  final WeightVector[] attnNorm; // [layer] (dim)
  final WeightMatrix[] wq; // [layer] (queryDim rows × dim)
  final WeightMatrix[] wk; // [layer] (kvDim × dim)
  final WeightMatrix[] wv; // [layer] (kvDim × dim)
  final WeightMatrix[] wo; // [layer] (dim × queryDim)
  final WeightVector[] bq; // [layer] (queryDim) or null (Qwen2 has attention biases)
  final WeightVector[] bk; // [layer] (kvDim) or null
  final WeightVector[] bv; // [layer] (kvDim) or null
  final WeightVector[] ffnNorm; // [layer] (dim)
  final WeightMatrix[] wGate; // [layer] (hiddenDim × dim)
  final WeightMatrix[] wUp; // [layer] (hiddenDim × dim)
  final WeightMatrix[] wDown; // [layer] (dim × hiddenDim)
  final WeightVector outputNorm; // (dim)
  final WeightMatrix output; // (vocab × dim); the token embedding when tied
  final float[] ropeFreqs; // (headSize/2) Llama 3.1 frequency factors or null; for the RoPE tables

  LlamaWeights(GgufFile file, ModelConfig c, ComputeBackend backend) {
    Loader l = new Loader(file, backend);
    int n = c.layers();
    tokenEmbedding = l.matrix("token_embd.weight", c.vocabularySize(), c.dim());
    attnNorm = new WeightVector[n];
    wq = new WeightMatrix[n];
    wk = new WeightMatrix[n];
    wv = new WeightMatrix[n];
    wo = new WeightMatrix[n];
    bq = new WeightVector[n];
    bk = new WeightVector[n];
    bv = new WeightVector[n];
    ffnNorm = new WeightVector[n];
    wGate = new WeightMatrix[n];
    wUp = new WeightMatrix[n];
    wDown = new WeightMatrix[n];
    for (int i = 0; i < n; i++) {
      String b = "blk." + i + ".";
      attnNorm[i] = l.weightVector(b + "attn_norm.weight", c.dim());
      wq[i] = l.matrix(b + "attn_q.weight", c.queryDim(), c.dim());
      wk[i] = l.matrix(b + "attn_k.weight", c.kvDim(), c.dim());
      wv[i] = l.matrix(b + "attn_v.weight", c.kvDim(), c.dim());
      wo[i] = l.matrix(b + "attn_output.weight", c.dim(), c.queryDim());
      bq[i] = l.optionalWeightVector(b + "attn_q.bias", c.queryDim());
      bk[i] = l.optionalWeightVector(b + "attn_k.bias", c.kvDim());
      bv[i] = l.optionalWeightVector(b + "attn_v.bias", c.kvDim());
      ffnNorm[i] = l.weightVector(b + "ffn_norm.weight", c.dim());
      wGate[i] = l.matrix(b + "ffn_gate.weight", c.hiddenDim(), c.dim());
      wUp[i] = l.matrix(b + "ffn_up.weight", c.hiddenDim(), c.dim());
      wDown[i] = l.matrix(b + "ffn_down.weight", c.dim(), c.hiddenDim());
    }
    outputNorm = l.weightVector("output_norm.weight", c.dim());
    output =
        file.hasTensor("output.weight")
            ? l.matrix("output.weight", c.vocabularySize(), c.dim())
            : tokenEmbedding;
    ropeFreqs = l.optionalVector("rope_freqs.weight", c.headSize() / 2);
  }

  /** Bytes of weights a decode step reads: every matrix once (the embedding row is negligible). */
  long bytesPerToken() {
    long sum = output.byteSize();
    for (int i = 0; i < wq.length; i++) {
      sum += wq[i].byteSize() + wk[i].byteSize() + wv[i].byteSize();
      sum += wo[i].byteSize() + wGate[i].byteSize() + wUp[i].byteSize();
      sum += wDown[i].byteSize();
    }
    return sum;
  }

  /** Looks tensors up by name and checks their type and shape, naming the tensor on failure. */
  private record Loader(GgufFile file, ComputeBackend backend) {
    WeightMatrix matrix(String name, int rows, int cols) {
      GgufTensorInfo t = file.tensor(name);
      if (t.columns() != cols || t.rows() != rows) {
        throw fail(t, "expected " + cols + " x " + rows);
      }
      if (!t.type().computable()) {
        throw fail(
            t,
            "type " + t.type() + " is not supported (F32 F16 BF16 Q8_0 Q4_0 Q4_K Q5_K Q6_K are)");
      }
      return backend.matrix(t.type(), file.data(t), rows, cols);
    }

    float[] vector(String name, int n) {
      GgufTensorInfo t = file.tensor(name);
      if (t.elementCount() != n) {
        throw fail(t, "expected " + n + " elements");
      }
      if (!t.type().computable() || n % t.type().blockSize() != 0) {
        throw fail(t, "type " + t.type() + " cannot be read as a vector of " + n + " floats");
      }
      float[] v = new float[n];
      // Read once at load, so the reference kernel serves every backend.
      Kernels.of(t.type(), KernelBackend.SCALAR).dequantize(file.data(t), 0, v, 0, n);
      return v;
    }

    WeightVector weightVector(String name, int n) {
      return backend.vector(vector(name, n));
    }

    WeightVector optionalWeightVector(String name, int n) {
      return file.hasTensor(name) ? weightVector(name, n) : null;
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
