package dev.fathom.drafters.gguf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the header with a cursor; every read checks that the bytes are there. */
final class GgufParser {
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble F64 =
      ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private final Path path;
  private final MemorySegment file;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private long pos;

  GgufParser(Path path, MemorySegment file) {
    this.path = path;
    this.file = file;
  }

  GgufFile parse(Arena arena) {
    int magic = u32("the magic number");
    if (magic != GgufFile.MAGIC) {
      throw fail(
          String.format(
              "not a GGUF file (magic 0x%08x, expected 0x%08x \"GGUF\")", magic, GgufFile.MAGIC));
    }
    int version = u32("the version");
    if (version != 2 && version != 3) {
      throw fail(
          "GGUF version "
              + Integer.toUnsignedString(version)
              + " is not supported (versions 2 and 3 are; big-endian files read as huge versions)");
    }
    long tensorCount = count(u64("the tensor count"), 8 + 4 + 4 + 8, "tensor count");
    long kvCount = count(u64("the metadata count"), 8 + 4, "metadata count");

    Map<String, GgufValue> kv = new LinkedHashMap<>();
    for (long i = 0; i < kvCount; i++) {
      String key = string("metadata key #" + i);
      int type = u32("the type of metadata '" + key + "'");
      if (kv.put(key, value(type, key, 0)) != null) {
        throw fail("metadata key '" + key + "' appears twice");
      }
    }
    GgufMetadata metadata = GgufMetadata.typed(path.toString(), kv);
    GgufValue alignmentValue = kv.get("general.alignment");
    int alignment = alignment(alignmentValue == null ? null : alignmentValue.value());

    Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
    for (long i = 0; i < tensorCount; i++) {
      GgufTensorInfo info = tensorInfo(i, alignment);
      if (tensors.put(info.name(), info) != null) {
        throw fail("tensor '" + info.name() + "' appears twice in the tensor table");
      }
    }
    long dataOffset = GgufFile.align(pos, alignment);
    for (GgufTensorInfo info : tensors.values()) {
      long end = end(dataOffset, info);
      if (end > file.byteSize()) {
        throw fail(
            "tensor '"
                + info.name()
                + "' ("
                + info.describe()
                + ") needs bytes up to "
                + end
                + " but the file has "
                + file.byteSize()
                + ": the file is truncated");
      }
    }
    return new GgufFile(
        path,
        arena,
        file,
        version,
        metadata,
        Collections.unmodifiableMap(tensors),
        alignment,
        dataOffset);
  }

  /** Where a tensor's bytes end; offsets near 2^63 would wrap, so add with overflow checks. */
  private long end(long dataOffset, GgufTensorInfo info) {
    try {
      return Math.addExact(Math.addExact(dataOffset, info.offset()), info.byteSize());
    } catch (ArithmeticException e) {
      throw fail(
          "tensor '"
              + info.name()
              + "' ("
              + info.describe()
              + ") at data offset "
              + info.offset()
              + " ends beyond any file: corrupt");
    }
  }

  private int alignment(Object value) {
    if (value == null) {
      return GgufFile.DEFAULT_ALIGNMENT;
    }
    if (!(value instanceof Number n)
        || n.longValue() <= 0
        || Long.bitCount(n.longValue()) != 1
        || n.longValue() > (1 << 20)) {
      throw fail("general.alignment must be a power of two up to 1 MiB, got " + value);
    }
    return n.intValue();
  }

  private GgufTensorInfo tensorInfo(long index, int alignment) {
    String name = string("the name of tensor #" + index);
    int nDims = u32("the rank of tensor '" + name + "'");
    if (nDims < 1 || nDims > 4) {
      throw fail("tensor '" + name + "' has " + nDims + " dimensions (1 to 4 are legal)");
    }
    long[] shape = new long[nDims];
    for (int d = 0; d < nDims; d++) {
      shape[d] = u64("dimension " + d + " of tensor '" + name + "'");
      if (shape[d] <= 0 || shape[d] > (1L << 40)) {
        throw fail("tensor '" + name + "' has dimension " + d + " = " + shape[d]);
      }
    }
    int typeId = u32("the type of tensor '" + name + "'");
    GgmlType type = GgmlType.byId(typeId);
    if (type == null) {
      throw fail("tensor '" + name + "' has unknown ggml type id " + typeId);
    }
    long offset = u64("the offset of tensor '" + name + "'");
    if (shape[0] % type.blockSize() != 0) {
      throw fail(
          "tensor '"
              + name
              + "' is "
              + type
              + " (blocks of "
              + type.blockSize()
              + ") but its rows have "
              + shape[0]
              + " elements");
    }
    if (offset % alignment != 0 || offset < 0) {
      throw fail(
          "tensor '"
              + name
              + "' starts at data offset "
              + offset
              + ", not a multiple of the alignment "
              + alignment);
    }
    try {
      GgufTensorInfo info = new GgufTensorInfo(name, shape, type, offset);
      info.byteSize();
      return info;
    } catch (ArithmeticException e) {
      throw fail("tensor '" + name + "' is too large: its size overflows");
    }
  }

  private GgufValue value(int typeId, String key, int depth) {
    GgufValueType type = GgufValueType.byId(typeId);
    if (type == null) {
      throw fail(
          "metadata '"
              + key
              + "' has unknown value type "
              + Integer.toUnsignedString(typeId)
              + " (0 to 12 are legal)");
    }
    return switch (type) {
      case UINT8 -> GgufValue.uint8(Byte.toUnsignedInt(u8(key)));
      case INT8 -> GgufValue.int8(u8(key));
      case UINT16 -> GgufValue.uint16(Short.toUnsignedInt(u16(key)));
      case INT16 -> GgufValue.int16(u16(key));
      case UINT32 -> GgufValue.uint32(Integer.toUnsignedLong(u32(key)));
      case INT32 -> GgufValue.int32(u32(key));
      case FLOAT32 -> GgufValue.float32(f32(key));
      case BOOL -> GgufValue.bool(u8(key) != 0);
      case STRING -> GgufValue.string(string(key));
      case ARRAY -> array(key, depth);
      case UINT64 -> GgufValue.uint64(u64(key));
      case INT64 -> GgufValue.int64(u64(key));
      case FLOAT64 -> GgufValue.float64(f64(key));
    };
  }

  private GgufValue array(String key, int depth) {
    if (depth > GgufFile.MAX_ARRAY_DEPTH) {
      // Each level costs only 12 bytes, so a corrupt file could otherwise recurse until the
      // stack overflows; real files nest at most once.
      throw fail(
          "array '"
              + key
              + "' nests arrays deeper than "
              + GgufFile.MAX_ARRAY_DEPTH
              + " levels: corrupt");
    }
    int typeId = u32("the element type of array '" + key + "'");
    GgufValueType type = GgufValueType.byId(typeId);
    if (type == null) {
      throw fail(
          "array '"
              + key
              + "' has unknown element type "
              + Integer.toUnsignedString(typeId)
              + " (0 to 12 are legal)");
    }
    long n = u64("the length of array '" + key + "'");
    int len = (int) count(n, type.minBytes(), "length of array '" + key + "'");
    String what = "an element of array '" + key + "'";
    Object values =
        switch (type) {
          case STRING -> {
            String[] a = new String[len];
            for (int i = 0; i < len; i++) {
              a[i] = string(what);
            }
            yield a;
          }
          case FLOAT32 -> {
            float[] a = new float[len];
            for (int i = 0; i < len; i++) {
              a[i] = f32(what);
            }
            yield a;
          }
          case FLOAT64 -> {
            double[] a = new double[len];
            for (int i = 0; i < len; i++) {
              a[i] = f64(what);
            }
            yield a;
          }
          case UINT64, INT64 -> {
            long[] a = new long[len];
            for (int i = 0; i < len; i++) {
              a[i] = u64(what);
            }
            yield a;
          }
          case BOOL -> {
            boolean[] a = new boolean[len];
            for (int i = 0; i < len; i++) {
              a[i] = u8(what) != 0;
            }
            yield a;
          }
          case ARRAY -> {
            GgufValue[] a = new GgufValue[len];
            for (int i = 0; i < len; i++) {
              a[i] = array(key + "[" + i + "]", depth + 1);
            }
            yield a;
          }
          case UINT8, INT8, UINT16, INT16, UINT32, INT32 -> {
            int[] a = new int[len];
            for (int i = 0; i < len; i++) {
              a[i] =
                  switch (type) {
                    case UINT8 -> Byte.toUnsignedInt(u8(what));
                    case INT8 -> u8(what);
                    case UINT16 -> Short.toUnsignedInt(u16(what));
                    case INT16 -> u16(what);
                    default -> u32(what);
                  };
            }
            yield a;
          }
        };
    return GgufValue.array(type, values);
  }

  /** A count read from the file, checked against the bytes that must follow it. */
  private long count(long n, int minBytesEach, String what) {
    long left = file.byteSize() - pos;
    if (n < 0 || n > Integer.MAX_VALUE - 8 || n * minBytesEach > left) {
      throw fail(
          what
              + " is "
              + Long.toUnsignedString(n)
              + " but only "
              + left
              + " bytes follow at offset "
              + pos
              + ": the file is truncated or corrupt");
    }
    return n;
  }

  private String string(String what) {
    long len = u64("the length of " + what);
    if (len < 0 || len > file.byteSize() - pos || len > Integer.MAX_VALUE - 8) {
      throw fail(
          "the string for "
              + what
              + " claims "
              + Long.toUnsignedString(len)
              + " bytes at offset "
              + pos
              + " but the file has "
              + (file.byteSize() - pos)
              + " left: truncated or corrupt");
    }
    byte[] bytes = file.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
    pos += len;
    try {
      return utf8.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      // Some converters write raw bytes in token strings; keep them readable rather than fail.
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private byte u8(String what) {
    need(1, what);
    return file.get(ValueLayout.JAVA_BYTE, pos++);
  }

  private short u16(String what) {
    need(2, what);
    short v = file.get(U16, pos);
    pos += 2;
    return v;
  }

  private int u32(String what) {
    need(4, what);
    int v = file.get(U32, pos);
    pos += 4;
    return v;
  }

  private long u64(String what) {
    need(8, what);
    long v = file.get(U64, pos);
    pos += 8;
    return v;
  }

  private float f32(String what) {
    need(4, what);
    float v = file.get(F32, pos);
    pos += 4;
    return v;
  }

  private double f64(String what) {
    need(8, what);
    double v = file.get(F64, pos);
    pos += 8;
    return v;
  }

  private void need(long bytes, String what) {
    if (pos + bytes > file.byteSize()) {
      throw fail(
          "the file ends at byte "
              + file.byteSize()
              + " while reading "
              + what
              + ": it is truncated");
    }
  }

  private GgufFormatException fail(String message) {
    return new GgufFormatException(path + ": " + message);
  }
}
