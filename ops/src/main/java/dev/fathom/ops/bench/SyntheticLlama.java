package dev.fathom.ops.bench;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufMetadata;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import dev.fathom.drafters.gguf.GgufValue;
import dev.fathom.drafters.gguf.GgufWriter;
import dev.fathom.drafters.tensor.Quantizer;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * A llama model with random weights and a real tokenizer, for speed tests: speed does not depend on
 * the weights' values. Matrices are N(0, 0.02²) (the usual initialisation of GPT-style models),
 * norms are 1; with a fixed seed the bytes are the same on every run, whatever the thread count.
 *
 * @param shape the architecture
 * @param type the type of every matrix (norms stay F32)
 * @param seed random seed
 * @param mix which matrices take a larger type than {@code type}
 */
public record SyntheticLlama(Shape shape, GgmlType type, long seed, Mix mix) {

  /** Standard deviation of the random weights. */
  static final float STD = 0.02f;

  /** Floats generated and quantised per step, bounding memory for any model size. */
  private static final int BATCH_FLOATS = 1 << 23;

  /** Rows per random stream: the unit of parallel work. */
  private static final int ROWS_PER_STREAM = 16;

  /**
   * A llama architecture. The small shape's feed-forward width is 768, not 688, so that every
   * matrix row is a whole number of 256-value k-quant blocks.
   */
  public enum Shape {
    TINYLLAMA(2048, 5632, 22, 32, 4, 2048),
    SMALL(256, 768, 2, 8, 4, 512),
    /**
     * Llama 3.1 8B's blocks (dim 4096, ffn 14336, 32 layers, 32 heads, 8 KV heads) with the
     * tokenizer's vocabulary; the context is 16,384 rather than 131,072 so that a long-context
     * benchmark's KV cache stays bounded, and still above 8K.
     */
    LLAMA8B(4096, 14336, 32, 32, 8, 16384);

    final int dim;
    final int ffn;
    final int layers;
    final int heads;
    final int kvHeads;
    final int context;

    Shape(int dim, int ffn, int layers, int heads, int kvHeads, int context) {
      this.dim = dim;
      this.ffn = ffn;
      this.layers = layers;
      this.heads = heads;
      this.kvHeads = kvHeads;
      this.context = context;
    }

    int kvDim() {
      return dim / heads * kvHeads;
    }
  }

  /**
   * Which matrices get more bits than the file's type: none, or llama.cpp's {@code Q4_K_M} recipe
   * (Q6_K for the output matrix and for {@code attn_v} and {@code ffn_down} in the layers its
   * {@code use_more_bits} picks), so GPU kernels meet the Q4_K/Q6_K mix real downloads have.
   */
  public enum Mix {
    UNIFORM,
    Q4_K_M
  }

  public SyntheticLlama {
    if (mix == Mix.Q4_K_M && type != GgmlType.Q4_K) {
      throw new IllegalArgumentException("the Q4_K_M mix needs type Q4_K, got " + type);
    }
  }

  /** Every matrix of type {@code type}. */
  public SyntheticLlama(Shape shape, GgmlType type, long seed) {
    this(shape, type, seed, Mix.UNIFORM);
  }

  /**
   * The type of the matrix {@code role} ({@code output}, {@code attn_v}, ...) of layer {@code
   * layer} (−1 outside the layers): llama.cpp's {@code llama_tensor_get_type} for Q4_K_M gives Q6_K
   * to the output matrix and, where {@code use_more_bits(layer, layers)} holds (the first and last
   * eighth of the layers and every third one between), to {@code attn_v} and {@code ffn_down}.
   */
  GgmlType typeOf(String role, int layer) {
    if (mix == Mix.UNIFORM) {
      return type;
    }
    int n = shape.layers;
    boolean moreBits =
        layer >= 0 && (layer < n / 8 || layer >= 7 * n / 8 || (layer - n / 8) % 3 == 2);
    boolean big =
        role.equals("output") || (moreBits && (role.equals("attn_v") || role.equals("ffn_down")));
    return big ? GgmlType.Q6_K : type;
  }

  /** llama.cpp's {@code llama_ftype} for a file whose matrices are all {@code type}. */
  static int fileType(GgmlType type) {
    return switch (type) {
      case Q4_0 -> 2;
      case Q8_0 -> 7;
      case Q4_K -> 14; // LLAMA_FTYPE_MOSTLY_Q4_K_S
      default -> throw new IllegalArgumentException("no synthetic models of type " + type);
    };
  }

  /** Progress of {@link #writeFile}: bytes of tensor data written so far, of the total. */
  @FunctionalInterface
  public interface Progress {
    void update(long doneBytes, long totalBytes);
  }

  /**
   * Writes the whole model to {@code target} with {@code tokenizer}'s {@code tokenizer.*} entries.
   * The file is written beside the target under a temporary name and moved into place when
   * complete, so an interrupted run leaves no half-written model under the real name. (Not {@code
   * createTempFile}: its owner-only permissions would carry over to the model.)
   *
   * @return the number of tensors written
   */
  public int writeFile(GgufMetadata tokenizer, Path target, Progress progress) throws IOException {
    GgufWriter w = declare(tokenizer);
    long total = w.dataSize();
    Files.createDirectories(target.getParent());
    Path tmp =
        target.resolveSibling(
            target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".partial");
    tmp.toFile().deleteOnExit();
    try {
      write(w, tmp, done -> progress.update(done, total));
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return w.tensors().size();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Declares metadata and tensors; the tokenizer's {@code tokenizer.*} entries are copied. */
  public GgufWriter declare(GgufMetadata tokenizer) {
    String[] tokens = tokenizer.getStringArray("tokenizer.ggml.tokens");
    int vocab = tokens.length;
    GgufWriter w = new GgufWriter();
    w.put("general.architecture", "llama");
    w.put(
        "general.name",
        "synthetic " + shape.name().toLowerCase() + " " + (mix == Mix.Q4_K_M ? "Q4_K_M" : type));
    // 15 is LLAMA_FTYPE_MOSTLY_Q4_K_M.
    w.put("general.file_type", GgufValue.uint32(mix == Mix.Q4_K_M ? 15 : fileType(type)));
    w.put("general.quantization_version", GgufValue.uint32(2));
    w.put("llama.context_length", GgufValue.uint32(shape.context));
    w.put("llama.embedding_length", GgufValue.uint32(shape.dim));
    w.put("llama.block_count", GgufValue.uint32(shape.layers));
    w.put("llama.feed_forward_length", GgufValue.uint32(shape.ffn));
    w.put("llama.rope.dimension_count", GgufValue.uint32(shape.dim / shape.heads));
    w.put("llama.attention.head_count", GgufValue.uint32(shape.heads));
    w.put("llama.attention.head_count_kv", GgufValue.uint32(shape.kvHeads));
    w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5f));
    w.put("llama.rope.freq_base", GgufValue.float32(10000f));
    w.put("llama.vocab_size", GgufValue.uint32(vocab));
    tokenizer
        .entries()
        .forEach(
            (k, v) -> {
              if (k.startsWith("tokenizer.")) {
                w.put(k, v);
              }
            });
    int d = shape.dim;
    w.addTensor("token_embd.weight", type, d, vocab);
    w.addTensor("output_norm.weight", GgmlType.F32, d);
    w.addTensor("output.weight", typeOf("output", -1), d, vocab);
    for (int l = 0; l < shape.layers; l++) {
      String b = "blk." + l + ".";
      w.addTensor(b + "attn_norm.weight", GgmlType.F32, d);
      w.addTensor(b + "attn_q.weight", type, d, d);
      w.addTensor(b + "attn_k.weight", type, d, shape.kvDim());
      w.addTensor(b + "attn_v.weight", typeOf("attn_v", l), d, shape.kvDim());
      w.addTensor(b + "attn_output.weight", type, d, d);
      w.addTensor(b + "ffn_norm.weight", GgmlType.F32, d);
      w.addTensor(b + "ffn_gate.weight", type, d, shape.ffn);
      w.addTensor(b + "ffn_down.weight", typeOf("ffn_down", l), shape.ffn, d);
      w.addTensor(b + "ffn_up.weight", type, d, shape.ffn);
    }
    return w;
  }

  /** Writes the declared model to {@code path}, reporting bytes written to {@code progress}. */
  public void write(GgufWriter w, Path path, LongConsumer progress) throws IOException {
    List<GgufTensorInfo> tensors = new ArrayList<>(w.tensors().values());
    long done = 0;
    try (GgufWriter.Output out = w.open(path)) {
      for (int t = 0; t < tensors.size(); t++) {
        GgufTensorInfo info = tensors.get(t);
        int cols = (int) info.columns();
        long rows = info.rows();
        if (info.type() == GgmlType.F32) {
          float[] ones = new float[(int) info.elementCount()];
          java.util.Arrays.fill(ones, 1.0f);
          out.write(info.name(), Quantizer.quantize(GgmlType.F32, ones));
          done += info.byteSize();
          progress.accept(done);
          continue;
        }
        int batchRows =
            Math.max(ROWS_PER_STREAM, BATCH_FLOATS / cols / ROWS_PER_STREAM * ROWS_PER_STREAM);
        for (long r0 = 0; r0 < rows; r0 += batchRows) {
          int n = (int) Math.min(batchRows, rows - r0);
          byte[] bytes = batch(info.type(), t, r0, n, cols, seed);
          out.write(info.name(), bytes);
          done += bytes.length;
          progress.accept(done);
        }
      }
    }
  }

  /**
   * Rows {@code [r0, r0 + n)} of tensor {@code t}, random and quantised to {@code type}, streams in
   * parallel.
   */
  private static byte[] batch(GgmlType type, int t, long r0, int n, int cols, long seed) {
    float[] x = new float[n * cols];
    int rowBytes = (int) type.byteSize(cols);
    byte[] out = new byte[n * rowBytes];
    int streams = (n + ROWS_PER_STREAM - 1) / ROWS_PER_STREAM;
    IntStream.range(0, streams)
        .parallel()
        .forEach(
            s -> {
              long stream = r0 / ROWS_PER_STREAM + s;
              SplittableRandom rnd =
                  new SplittableRandom(
                      seed * 1_000_003L + t * 7_919L + stream * 0x9E3779B97F4A7C15L);
              int from = s * ROWS_PER_STREAM;
              int to = Math.min(n, from + ROWS_PER_STREAM);
              for (int i = from * cols; i < to * cols; i++) {
                x[i] = (float) rnd.nextGaussian() * STD;
              }
              Quantizer.quantize(type, x, from * cols, (to - from) * cols, out, from * rowBytes);
            });
    return out;
  }
}
