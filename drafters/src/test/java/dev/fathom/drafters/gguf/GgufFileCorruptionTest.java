package dev.fathom.drafters.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated and corrupt files must fail with a GgufFormatException that says what and where. */
class GgufFileCorruptionTest {

  private static final long HUGE = 1L << 62;

  @TempDir Path dir;

  @Test
  void badMagicIsNamed() throws Exception {
    String m = fail(b -> b.raw("GGML".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(0).u64(0));
    assertTrue(m.contains("not a GGUF file"), m);
  }

  @Test
  void unsupportedVersionsAreNamed() throws Exception {
    assertTrue(fail(b -> b.magic().u32(1).u64(0).u64(0)).contains("GGUF version 1 is not"));
    assertTrue(fail(b -> b.magic().u32(0x03000000).u64(0).u64(0)).contains("50331648"));
  }

  @Test
  void hugeCountsAndLengthsAreRejectedBeforeAllocating() throws Exception {
    assertTrue(fail(b -> b.magic().u32(3).u64(HUGE).u64(0)).contains("tensor count is " + HUGE));
    assertTrue(fail(b -> b.magic().u32(3).u64(0).u64(HUGE)).contains("metadata count is " + HUGE));
    assertTrue(fail(b -> b.magic().u32(3).u64(0).u64(-1)).contains("18446744073709551615"));
    String m = fail(b -> b.header(0, 1).u64(HUGE).raw(new byte[16]));
    assertTrue(m.contains("metadata key #0") && m.contains(Long.toString(HUGE)), m);
    m = fail(b -> b.header(0, 1).str("k").u32(9).u32(8).u64(HUGE));
    assertTrue(m.contains("length of array 'k' is " + HUGE), m);
    m = fail(b -> b.header(0, 1).str("k").u32(9).u32(0).u64(HUGE));
    assertTrue(m.contains("length of array 'k'"), m);
    m = fail(b -> b.header(0, 1).str("k").u32(8).u64(HUGE));
    assertTrue(m.contains("string for k claims " + HUGE), m);
  }

  @Test
  void unknownValueTypesAreNamed() throws Exception {
    String m = fail(b -> b.header(0, 1).str("k").u32(13).u32(0));
    assertTrue(m.contains("metadata 'k' has unknown value type 13"), m);
    m = fail(b -> b.header(0, 1).str("k").u32(9).u32(42).u64(1).u32(0));
    assertTrue(m.contains("array 'k' has unknown element type 42"), m);
  }

  @Test
  void deeplyNestedArraysAreCorruptionNotAStackOverflow() throws Exception {
    String m =
        fail(
            b -> {
              b.header(0, 1).str("k").u32(9);
              for (int i = 0; i < 10_000; i++) {
                b.u32(9).u64(1);
              }
              b.u32(0).u64(0);
            });
    assertTrue(m.contains("nests arrays deeper than"), m);
  }

  @Test
  void duplicateKeysAndTensorsAreRejected() throws Exception {
    String m = fail(b -> b.header(0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2));
    assertTrue(m.contains("metadata key 'k' appears twice"), m);
    m = fail(b -> b.header(2, 0).tensor("t", 0, 0, 32).tensor("t", 0, 128, 32).raw(new byte[256]));
    assertTrue(m.contains("tensor 't' appears twice"), m);
  }

  @Test
  void unknownGgmlTypeIdsAreNamed() throws Exception {
    String m = fail(b -> b.header(1, 0).tensor("w", 4, 0, 32).raw(new byte[64]));
    assertTrue(m.contains("tensor 'w' has unknown ggml type id 4"), m);
  }

  @Test
  void misalignedOffsetsAreNamed() throws Exception {
    String m = fail(b -> b.header(1, 0).tensor("w", 0, 4, 8).raw(new byte[128]));
    assertTrue(m.contains("tensor 'w' starts at data offset 4"), m);
    assertTrue(m.contains("alignment 32"), m);
  }

  @Test
  void badAlignmentIsNamed() throws Exception {
    String m = fail(b -> b.header(0, 1).str("general.alignment").u32(4).u32(24));
    assertTrue(m.contains("general.alignment must be a power of two"), m);
  }

  @Test
  void shapesWhoseSizeOverflowsAreCorruptionNotWrappedSizes() throws Exception {
    // 2^31 x 2^31 F32 elements are 2^64 bytes: a plain long product wraps to 0 and would pass.
    String m = fail(b -> b.header(1, 0).tensor("w", 0, 0, 1L << 31, 1L << 31).raw(new byte[64]));
    assertTrue(m.contains("tensor 'w' is too large"), m);
    m = fail(b -> b.header(1, 0).tensor("w", 0, 0, 1L << 40, 1L << 40).raw(new byte[64]));
    assertTrue(m.contains("tensor 'w' is too large"), m);
    m = fail(b -> b.header(1, 0).tensor("w", 0, 1L << 62, 8).raw(new byte[64]));
    assertTrue(m.contains("tensor 'w'"), m);
  }

  @Test
  void rowsThatAreNotWholeBlocksAreNamed() throws Exception {
    String m = fail(b -> b.header(1, 0).tensor("w", 8, 0, 33).raw(new byte[64]));
    assertTrue(m.contains("tensor 'w' is Q8_0 (blocks of 32) but its rows have 33"), m);
    m = fail(b -> b.header(1, 0).str("w").u32(0).raw(new byte[64]));
    assertTrue(m.contains("tensor 'w' has 0 dimensions"), m);
  }

  private String fail(Consumer<Builder> build) throws Exception {
    Builder b = new Builder();
    build.accept(b);
    Path file = dir.resolve("corrupt.gguf");
    Files.write(file, b.bytes());
    GgufFormatException e =
        assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    return e.getMessage();
  }

  /** Little-endian bytes of a hand-made GGUF file. */
  static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Builder raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Builder u32(int v) {
      return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    Builder u64(long v) {
      return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    Builder magic() {
      return u32(GgufFile.MAGIC);
    }

    Builder header(long tensors, long kvs) {
      return magic().u32(3).u64(tensors).u64(kvs);
    }

    Builder str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return u64(b.length).raw(b);
    }

    Builder tensor(String name, int type, long offset, long... shape) {
      str(name).u32(shape.length);
      for (long d : shape) {
        u64(d);
      }
      return u32(type).u64(offset);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
