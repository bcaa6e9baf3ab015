package dev.fathom.drafters.engine;

import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufFormatException;
import dev.fathom.drafters.gguf.GgufMetadata;

/**
 * The shape of a llama-family transformer, read from GGUF metadata ({@code <arch>.*} keys).
 *
 * @param architecture {@code llama} or {@code qwen2}
 * @param dim embedding width
 * @param hiddenDim feed-forward width
 * @param layers transformer blocks
 * @param heads query heads
 * @param kvHeads key/value heads (grouped-query attention when fewer than {@code heads})
 * @param headSize width of one head
 * @param vocabularySize rows of the token embedding
 * @param contextLength positions the model was trained for
 * @param rmsEps RMSNorm epsilon
 * @param ropeTheta RoPE base frequency
 * @param ropeScale linear RoPE scaling factor (positions are divided by it; 1 = none)
 * @param ropeStyle which dimension pairs RoPE rotates
 */
public record ModelConfig(
    String architecture,
    int dim,
    int hiddenDim,
    int layers,
    int heads,
    int kvHeads,
    int headSize,
    int vocabularySize,
    int contextLength,
    float rmsEps,
    float ropeTheta,
    float ropeScale,
    RopeStyle ropeStyle) {

  public ModelConfig {
    positive("dim", dim);
    positive("hiddenDim", hiddenDim);
    positive("layers", layers);
    positive("heads", heads);
    positive("kvHeads", kvHeads);
    positive("headSize", headSize);
    positive("vocabularySize", vocabularySize);
    positive("contextLength", contextLength);
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
    }
    if (headSize % 2 != 0) {
      throw new IllegalArgumentException("headSize must be even for RoPE, got " + headSize);
    }
    if (!(rmsEps > 0f) || !(ropeTheta > 0f) || !(ropeScale > 0f)) {
      throw new IllegalArgumentException(
          "rmsEps, ropeTheta and ropeScale must be > 0, got "
              + rmsEps
              + ", "
              + ropeTheta
              + ", "
              + ropeScale);
    }
  }

  /** Width of all query heads together. */
  public int queryDim() {
    return heads * headSize;
  }

  /** Width of all key (or value) heads together: floats per position per layer in the cache. */
  public int kvDim() {
    return kvHeads * headSize;
  }

  /** Reads the configuration of a {@code llama} or {@code qwen2} GGUF file. */
  public static ModelConfig from(GgufFile file) {
    GgufMetadata m = file.metadata();
    String arch = m.architecture();
    RopeStyle style =
        switch (arch) {
          case "llama" -> RopeStyle.ADJACENT;
          case "qwen2" -> RopeStyle.HALVES;
          default ->
              throw new GgufFormatException(
                  file.path()
                      + ": architecture '"
                      + arch
                      + "' is not supported (supported: llama, qwen2)");
        };
    int dim = m.getInt(arch + ".embedding_length");
    int heads = m.getInt(arch + ".attention.head_count");
    int kvHeads = m.getInt(arch + ".attention.head_count_kv", heads);
    int headSize = m.getInt(arch + ".attention.key_length", dim / heads);
    int vocab = (int) file.tensor("token_embd.weight").rows();
    float scale = 1f;
    String scaling = m.findString(arch + ".rope.scaling.type").orElse("none");
    switch (scaling) {
      case "none" -> {}
      case "linear" -> scale = m.getFloat(arch + ".rope.scaling.factor", 1f);
      default ->
          throw new GgufFormatException(
              file.path()
                  + ": rope scaling '"
                  + scaling
                  + "' is not supported (supported: none, linear, and Llama 3.1's rope_freqs)");
    }
    return new ModelConfig(
        arch,
        dim,
        m.getInt(arch + ".feed_forward_length"),
        m.getInt(arch + ".block_count"),
        heads,
        kvHeads,
        headSize,
        vocab,
        m.getInt(arch + ".context_length"),
        m.getFloat(arch + ".attention.layer_norm_rms_epsilon", 1e-5f),
        m.getFloat(arch + ".rope.freq_base", 10000f),
        scale,
        style);
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be ≥ 1, got " + v);
    }
  }
}
