package dev.fathom.drafters.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

  @TempDir Path dir;

  private static Map<String, GgufValue> everyType() {
    Map<String, GgufValue> m = new LinkedHashMap<>();
    m.put("t.uint8", GgufValue.uint8(255));
    m.put("t.int8", GgufValue.int8(-128));
    m.put("t.uint16", GgufValue.uint16(65535));
    m.put("t.int16", GgufValue.int16(-32768));
    m.put("t.uint32", GgufValue.uint32(0xFFFF_FFFFL));
    m.put("t.int32", GgufValue.int32(Integer.MIN_VALUE));
    m.put("t.float32", GgufValue.float32(1.5e-5f));
    m.put("t.bool", GgufValue.bool(true));
    m.put("t.string", GgufValue.string("héllo ▁wörld ✓"));
    m.put("t.uint64", GgufValue.uint64(-1L));
    m.put("t.int64", GgufValue.int64(Long.MIN_VALUE));
    m.put("t.float64", GgufValue.float64(Math.PI));
    m.put("t.a.uint8", GgufValue.array(GgufValueType.UINT8, new int[] {0, 1, 255}));
    m.put("t.a.int8", GgufValue.array(GgufValueType.INT8, new int[] {-128, 127}));
    m.put("t.a.uint16", GgufValue.array(GgufValueType.UINT16, new int[] {65535}));
    m.put("t.a.int16", GgufValue.array(GgufValueType.INT16, new int[] {-1, 2}));
    m.put("t.a.uint32", GgufValue.array(GgufValueType.UINT32, new int[] {-1, 7}));
    m.put("t.a.int32", GgufValue.array(GgufValueType.INT32, new int[] {1, -2, 3}));
    m.put("t.a.float32", GgufValue.array(GgufValueType.FLOAT32, new float[] {0.5f, -0f}));
    m.put("t.a.bool", GgufValue.array(GgufValueType.BOOL, new boolean[] {true, false}));
    m.put("t.a.string", GgufValue.array(GgufValueType.STRING, new String[] {"<s>", "", "▁the"}));
    m.put("t.a.uint64", GgufValue.array(GgufValueType.UINT64, new long[] {-1L}));
    m.put("t.a.int64", GgufValue.array(GgufValueType.INT64, new long[] {Long.MAX_VALUE, 0}));
    m.put("t.a.float64", GgufValue.array(GgufValueType.FLOAT64, new double[] {1e300}));
    m.put("t.a.empty", GgufValue.array(GgufValueType.STRING, new String[0]));
    m.put(
        "t.a.nested",
        GgufValue.arrays(
            GgufValue.array(GgufValueType.STRING, new String[] {"a", "b"}),
            GgufValue.array(GgufValueType.UINT8, new int[] {9}),
            GgufValue.arrays(GgufValue.array(GgufValueType.FLOAT32, new float[] {2f}))));
    return m;
  }

  @Test
  void metadataOfEveryTypeAndTensorBytesRoundTrip() throws Exception {
    GgufWriter w = new GgufWriter().put("general.architecture", "llama");
    everyType().forEach(w::put);
    byte[] a = randomBytes(GgmlType.Q8_0.byteSize(64 * 3), 1);
    byte[] b = randomBytes(GgmlType.F32.byteSize(5), 2);
    byte[] c = randomBytes(GgmlType.Q4_K.byteSize(256 * 2), 3);
    w.addTensor("a", GgmlType.Q8_0, 64, 3);
    w.addTensor("b", GgmlType.F32, 5);
    w.addTensor("c", GgmlType.Q4_K, 256, 1, 2);
    Path file = dir.resolve("all.gguf");
    w.write(file, Map.of("a", a, "b", b, "c", c));

    try (GgufFile f = GgufFile.open(file)) {
      assertEquals(3, f.version());
      assertEquals("llama", f.metadata().architecture());
      everyType().forEach((k, v) -> assertEquals(v, f.metadata().value(k), "metadata " + k));
      assertEquals(0xFFFF_FFFFL, f.metadata().getLong("t.uint32"));
      assertArrayEquals(
          new String[] {"<s>", "", "▁the"}, f.metadata().getStringArray("t.a.string"));
      Object[] nested = (Object[]) f.metadata().asMap().get("t.a.nested");
      assertArrayEquals(new String[] {"a", "b"}, (String[]) nested[0]);
      assertArrayEquals(new float[] {2f}, (float[]) ((Object[]) nested[2])[0]);

      assertEquals(w.tensors(), f.tensors());
      assertArrayEquals(new long[] {256, 1, 2}, f.tensor("c").shape());
      assertArrayEquals(a, f.data("a").toArray(ValueLayout.JAVA_BYTE));
      assertArrayEquals(b, f.data("b").toArray(ValueLayout.JAVA_BYTE));
      assertArrayEquals(c, f.data("c").toArray(ValueLayout.JAVA_BYTE));
      assertEquals(0, f.dataOffset() % 32);
      assertEquals(f.dataOffset() + w.dataSize(), f.fileSize());
    }
  }

  @Test
  void generalAlignmentIsHonoured() throws Exception {
    GgufWriter w = new GgufWriter().put("general.alignment", GgufValue.uint32(256));
    w.addTensor("x", GgmlType.F32, 3);
    w.addTensor("y", GgmlType.F16, 7);
    Path file = dir.resolve("aligned.gguf");
    w.write(file, Map.of("x", new byte[12], "y", randomBytes(14, 4)));
    try (GgufFile f = GgufFile.open(file)) {
      assertEquals(256, f.alignment());
      assertEquals(0, f.dataOffset() % 256);
      assertEquals(256, f.tensor("y").offset());
      assertArrayEquals(randomBytes(14, 4), f.data("y").toArray(ValueLayout.JAVA_BYTE));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new GgufWriter().put("general.alignment", GgufValue.uint32(48)));
    assertThrows(
        IllegalArgumentException.class, () -> new GgufWriter().put("general.alignment", 32));
  }

  @Test
  void tensorsStreamInChunksInDeclarationOrder() throws Exception {
    GgufWriter w = new GgufWriter();
    w.addTensor("first", GgmlType.Q8_0, 32, 4);
    w.addTensor("second", GgmlType.F32, 2);
    byte[] first = randomBytes(136, 5);
    Path file = dir.resolve("chunks.gguf");
    try (GgufWriter.Output out = w.open(file)) {
      IllegalStateException order =
          assertThrows(IllegalStateException.class, () -> out.write("second", new byte[8]));
      assertTrue(order.getMessage().contains("'first' is expected next"), order.getMessage());
      out.write("first", java.util.Arrays.copyOfRange(first, 0, 34));
      out.write("first", java.util.Arrays.copyOfRange(first, 34, 136));
      IllegalArgumentException tooMuch =
          assertThrows(IllegalArgumentException.class, () -> out.write("second", new byte[9]));
      assertTrue(tooMuch.getMessage().contains("takes 8 bytes"), tooMuch.getMessage());
      out.write("second", new byte[8]);
    }
    try (GgufFile f = GgufFile.open(file)) {
      assertArrayEquals(first, f.data("first").toArray(ValueLayout.JAVA_BYTE));
    }
  }

  @Test
  void closingBeforeEveryTensorIsWrittenFailsNamingIt() throws Exception {
    GgufWriter w = new GgufWriter();
    w.addTensor("w", GgmlType.F32, 4);
    GgufWriter.Output out = w.open(dir.resolve("short.gguf"));
    out.write("w", new byte[4]);
    IllegalStateException e = assertThrows(IllegalStateException.class, out::close);
    assertTrue(e.getMessage().contains("tensor 'w' got 4 of its 16 bytes"), e.getMessage());
  }

  @Test
  void badDeclarationsAreNamed() {
    GgufWriter w = new GgufWriter();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.Q4_K, 100));
    assertTrue(e.getMessage().contains("blocks of 256") && e.getMessage().contains("100"));
    w.addTensor("q", GgmlType.F32, 1);
    assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.F32, 1));
    assertThrows(IllegalArgumentException.class, () -> w.addTensor("z", GgmlType.F32, 0));
    assertThrows(IllegalArgumentException.class, () -> GgufValue.uint8(256));
    assertThrows(IllegalArgumentException.class, () -> GgufValue.uint32(-1));
    assertThrows(IllegalArgumentException.class, () -> GgufValue.of(new Object()));
  }

  private static byte[] randomBytes(long n, long seed) {
    byte[] b = new byte[(int) n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
