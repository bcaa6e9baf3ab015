package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Unaligned little-endian reads of ggml block fields (GGUF is little-endian, gguf.md). */
final class LittleEndian {
  static final ValueLayout.OfShort SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private LittleEndian() {}

  /** The IEEE half-precision float at {@code offset} (ggml_fp16_t). */
  static float f16(MemorySegment w, long offset) {
    return Float.float16ToFloat(w.get(SHORT, offset));
  }

  /** The bfloat16 at {@code offset}: the upper half of a float's bits (ggml_bf16_t). */
  static float bf16(MemorySegment w, long offset) {
    return Float.intBitsToFloat(w.get(SHORT, offset) << 16);
  }

  static int u8(MemorySegment w, long offset) {
    return w.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
  }

  static int i8(MemorySegment w, long offset) {
    return w.get(ValueLayout.JAVA_BYTE, offset);
  }

  static float f32(MemorySegment w, long offset) {
    return w.get(FLOAT, offset);
  }
}
