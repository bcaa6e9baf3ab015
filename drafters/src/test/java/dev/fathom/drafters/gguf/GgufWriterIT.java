package dev.fathom.drafters.gguf;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer against a real model file of ../shared/models; the rest is in {@link GgufWriterTest}.
 */
class GgufWriterIT {

  @TempDir Path dir;

  @Test
  void copyingARealFileKeepsItsMetadataTypes() throws Exception {
    Path src = TestModels.tinyRandomLlama();
    Path copy = dir.resolve("copy.gguf");
    try (GgufFile f = GgufFile.open(src)) {
      GgufWriter w = new GgufWriter().putAll(f.metadata());
      for (GgufTensorInfo t : f.tensors().values()) {
        w.addTensor(t.name(), t.type(), t.shape());
      }
      try (GgufWriter.Output out = w.open(copy)) {
        for (GgufTensorInfo t : f.tensors().values()) {
          out.write(t.name(), f.data(t));
        }
      }
      try (GgufFile c = GgufFile.open(copy)) {
        assertEquals(f.metadata().entries(), c.metadata().entries());
        assertEquals(f.tensors(), c.tensors());
        for (GgufTensorInfo t : f.tensors().values()) {
          assertEquals(-1L, f.data(t).mismatch(c.data(t)), t.name());
        }
      }
    }
    // ggml's writer pads the same way, so an unmodified copy is byte-identical
    assertEquals(-1L, Files.mismatch(src, copy));
  }
}
