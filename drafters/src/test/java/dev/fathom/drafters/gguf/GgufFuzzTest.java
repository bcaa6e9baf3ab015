package dev.fathom.drafters.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Fuzzes the GGUF header parser: any byte string either parses or is rejected with a {@link
 * GgufFormatException}; any other exception, an endless loop or an allocation proportional to a
 * count read from the file (instead of to the file's size) is a bug. In a normal build the seeds in
 * {@code GgufFuzzTestInputs/parsesOrRejects/} run as regression tests; {@code JAZZER_FUZZ=1} fuzzes
 * for {@code maxDuration} (docs/security.md).
 */
class GgufFuzzTest {

  private static final Path NAME = Path.of("fuzz.gguf");

  @FuzzTest(maxDuration = "60s")
  void parsesOrRejects(byte[] image) {
    try {
      GgufFile f = GgufFile.parse(NAME, MemorySegment.ofArray(image));
      // Touch what a loader reads next: every tensor's byte range must lie inside the image.
      for (GgufTensorInfo t : f.tensors().values()) {
        if (t.offset() < 0) throw new AssertionError("negative tensor offset " + t);
      }
      f.metadata().toString();
    } catch (GgufFormatException expected) {
      // a clear refusal is the correct outcome for a corrupt header
    }
  }
}
