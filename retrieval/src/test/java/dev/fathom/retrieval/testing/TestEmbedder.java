package dev.fathom.retrieval.testing;

import dev.fathom.retrieval.embed.CachingEmbedder;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.embed.OnnxEmbedder;
import java.nio.file.Path;

/**
 * The real all-MiniLM-L6-v2 embedder, loaded once per test JVM (loading costs about half a second
 * and 100 MB) and shared by the integration tests of every module.
 */
public final class TestEmbedder {

  private static Embedder shared;

  private TestEmbedder() {}

  /** Where tests cache the model files: target/ of the repository root, kept between runs. */
  public static Path cacheDir() {
    return Path.of(System.getProperty("fathom.root", "."), "target", "test-model-cache");
  }

  public static synchronized Embedder shared() {
    if (shared == null) {
      shared =
          new CachingEmbedder(
              OnnxEmbedder.miniLm(MiniLmModel.FP32, cacheDir(), OnnxEmbedder.Settings.defaults()),
              50_000);
    }
    return shared;
  }
}
