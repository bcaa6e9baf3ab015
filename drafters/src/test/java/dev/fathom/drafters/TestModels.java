package dev.fathom.drafters;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test models of ../shared/models (see its README), found from {@code fathom.root}. */
public final class TestModels {
  private TestModels() {}

  public static Path stories260kGguf() {
    return require("stories260K/stories260K.gguf");
  }

  public static Path stories260kBin() {
    return require("stories260K/stories260K.bin");
  }

  public static Path tok512() {
    return require("stories260K/tok512.bin");
  }

  public static Path tinyRandomLlama() {
    return require("tiny-random-llama/llama-2-tiny-random.gguf");
  }

  /** The model's path; skips the calling test, saying why, when it is absent. */
  public static Path require(String relative) {
    String root = System.getProperty("fathom.root", ".");
    Path p = Path.of(root).resolve("../shared/models").resolve(relative).normalize();
    assumeTrue(Files.isRegularFile(p), "test model " + p + " is absent (see ../shared/models)");
    return p;
  }
}
