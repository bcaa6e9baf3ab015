package dev.fathom.drafters.gguf;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.TestModels;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncations of the real model files in ../shared/models must fail with a GgufFormatException that
 * names the file and, past the header, the tensor; the hand-built corrupt files are in {@link
 * GgufFileCorruptionTest}.
 */
class GgufFileCorruptionIT {

  @TempDir Path dir;

  /**
   * Every cut in the header (and the first bytes of the data) of a real file, parsed in memory,
   * then a sample of cuts through the data and the header as real files on disk.
   */
  @Test
  void everyTruncationOfStories260kIsAFormatErrorNamingTheFile() throws Exception {
    Path model = TestModels.stories260kGguf();
    byte[] whole = Files.readAllBytes(model);
    long dataOffset;
    try (GgufFile f = GgufFile.open(model)) {
      dataOffset = f.dataOffset();
    }
    for (int n = 0; n <= dataOffset + 64; n++) {
      MemorySegment image = MemorySegment.ofArray(whole).asSlice(0, n);
      GgufFormatException e =
          assertThrows(
              GgufFormatException.class, () -> GgufFile.parse(model, image), "cut at " + n);
      assertTrue(e.getMessage().contains(model.toString()), "cut " + n + ": " + e.getMessage());
      if (n > dataOffset) {
        assertTrue(e.getMessage().contains("tensor '"), "cut " + n + ": " + e.getMessage());
      }
    }
    Path cut = dir.resolve("cut.gguf");
    for (long n = 0; n < whole.length; n += 9973) {
      assertTruncationFails(whole, (int) n, cut, n > dataOffset);
    }
    assertTruncationFails(whole, whole.length - 1, cut, true);
  }

  /**
   * The 32k vocabulary makes a 700 KB header that takes milliseconds to parse: every cut in the
   * first 16 bytes, one in every 40009 elsewhere, and (in memory) all around the data section.
   */
  @Test
  void truncationsOfTinyRandomLlamaAreFormatErrors() throws Exception {
    byte[] whole = Files.readAllBytes(TestModels.tinyRandomLlama());
    long dataOffset;
    try (GgufFile f = GgufFile.open(TestModels.tinyRandomLlama())) {
      dataOffset = f.dataOffset();
    }
    Path cut = dir.resolve("tiny.gguf");
    for (int n = 0; n < whole.length; n += n < 16 ? 1 : 40009) {
      assertTruncationFails(whole, n, cut, n > dataOffset);
    }
    for (long n = dataOffset - 40; n < dataOffset + 40; n++) {
      MemorySegment image = MemorySegment.ofArray(whole).asSlice(0, n);
      assertThrows(GgufFormatException.class, () -> GgufFile.parse(cut, image), "cut " + n);
    }
    assertTruncationFails(whole, whole.length - 1, cut, true);
  }

  private static void assertTruncationFails(byte[] whole, int n, Path file, boolean inData)
      throws Exception {
    Files.write(file, java.util.Arrays.copyOf(whole, n));
    GgufFormatException e =
        assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close(), "cut " + n);
    assertTrue(e.getMessage().contains(file.toString()), "cut " + n + ": " + e.getMessage());
    if (inData) {
      assertTrue(
          e.getMessage().contains("tensor '") && e.getMessage().contains("truncated"),
          "cut " + n + ": " + e.getMessage());
    }
  }
}
