package dev.fathom.drafters.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A llama2.c "v0" checkpoint ({@code .bin}), the legacy format {@code run.c} reads: seven int32
 * header fields ({@link Llama2cConfig}), then float32 weights in this order — token_embedding
 * [vocab][dim], rms_att [layers][dim], wq [layers][dim][dim], wk and wv [layers][kvDim][dim], wo
 * [layers][dim][dim], rms_ffn [layers][dim], w1 [layers][hidden][dim], w2 [layers][dim][hidden], w3
 * [layers][hidden][dim], rms_final [dim], freq_cis_real and freq_cis_imag [seqLen][headSize/2]
 * (unused: RoPE is computed), then wcls [vocab][dim] when the classifier is not shared. Matrices
 * are row-major, {@code [out][in]}, all little-endian. Arrays hold every layer one after another.
 */
public record Llama2cCheckpoint(
    Llama2cConfig config,
    float[] tokenEmbedding,
    float[] rmsAtt,
    float[] wq,
    float[] wk,
    float[] wv,
    float[] wo,
    float[] rmsFfn,
    float[] w1,
    float[] w2,
    float[] w3,
    float[] rmsFinal,
    float[] wcls) {

  private static final int HEADER_BYTES = 7 * 4;

  /** Reads a whole checkpoint (up to 2 GiB) into memory. */
  public static Llama2cCheckpoint read(Path bin) throws IOException {
    long size = Files.size(bin);
    if (size < HEADER_BYTES) {
      throw new IOException(bin + ": " + size + " bytes is too short for a llama2.c header");
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException(bin + ": " + size + " bytes; checkpoints over 2 GiB are not supported");
    }
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
    int[] h = new int[7];
    for (int i = 0; i < 7; i++) {
      h[i] = buf.getInt();
    }
    Llama2cConfig c;
    try {
      // A negative vocab_size marks an unshared classifier (llama2.c export.py, legacy_export).
      c = new Llama2cConfig(h[0], h[1], h[2], h[3], h[4], Math.abs(h[5]), h[6], h[5] > 0);
    } catch (IllegalArgumentException e) {
      throw new IOException(bin + ": not a llama2.c checkpoint: " + e.getMessage(), e);
    }
    long dim = c.dim();
    long kv = c.kvDim();
    long l = c.layers();
    long floats =
        c.vocabSize() * dim
            + 2 * l * dim
            + 2 * l * dim * dim
            + 2 * l * kv * dim
            + 3 * l * c.hiddenDim() * dim
            + dim
            + (long) c.seqLen() * c.headSize()
            + (c.sharedClassifier() ? 0 : c.vocabSize() * dim);
    long expected = HEADER_BYTES + 4 * floats;
    if (size != expected) {
      throw new IOException(
          bin + ": " + c + " needs " + expected + " bytes but the file has " + size);
    }
    FloatBuffer f = buf.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] emb = take(f, c.vocabSize() * dim);
    float[] rmsAtt = take(f, l * dim);
    float[] wq = take(f, l * dim * dim);
    float[] wk = take(f, l * kv * dim);
    float[] wv = take(f, l * kv * dim);
    float[] wo = take(f, l * dim * dim);
    float[] rmsFfn = take(f, l * dim);
    float[] w1 = take(f, l * c.hiddenDim() * dim);
    float[] w2 = take(f, l * dim * c.hiddenDim());
    float[] w3 = take(f, l * c.hiddenDim() * dim);
    float[] rmsFinal = take(f, dim);
    f.position(f.position() + c.seqLen() * c.headSize()); // freq_cis_real and _imag
    float[] wcls = c.sharedClassifier() ? emb : take(f, c.vocabSize() * dim);
    return new Llama2cCheckpoint(
        c, emb, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, wcls);
  }

  private static float[] take(FloatBuffer f, long n) {
    float[] a = new float[Math.toIntExact(n)];
    f.get(a);
    return a;
  }
}
