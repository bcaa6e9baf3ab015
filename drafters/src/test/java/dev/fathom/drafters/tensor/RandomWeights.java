package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Random weights in a type's ggml layout: random bytes for the quants, but every f16 scale a small
 * positive half so that no block decodes to NaN or infinity.
 */
final class RandomWeights {
  private RandomWeights() {}

  static MemorySegment of(GgmlType type, long elements, Random random) {
    ByteBuffer buf =
        ByteBuffer.allocate(Math.toIntExact(type.byteSize(elements)))
            .order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case F32 -> {
        while (buf.hasRemaining()) {
          buf.putFloat(random.nextFloat() * 2 - 1);
        }
      }
      case F16 -> {
        while (buf.hasRemaining()) {
          buf.putShort(Float.floatToFloat16(random.nextFloat() * 2 - 1));
        }
      }
      case BF16 -> {
        while (buf.hasRemaining()) {
          buf.putShort((short) (Float.floatToIntBits(random.nextFloat() * 2 - 1) >>> 16));
        }
      }
      default -> {
        random.nextBytes(buf.array());
        int bytes = type.bytesPerBlock();
        for (int b = 0; b < buf.capacity(); b += bytes) {
          switch (type) {
            case Q8_0, Q4_0 -> buf.putShort(b, scale(random));
            case Q4_K, Q5_K -> {
              buf.putShort(b, scale(random));
              buf.putShort(b + 2, scale(random));
            }
            case Q6_K -> buf.putShort(b + 208, scale(random));
            default -> throw new IllegalArgumentException("no random blocks for " + type);
          }
        }
      }
    }
    return MemorySegment.ofArray(buf.array());
  }

  static float[] floats(int n, Random random) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextFloat() * 2 - 1;
    }
    return x;
  }

  /** A half in [0.001, 0.01): the size of real block scales. */
  private static short scale(Random random) {
    return Float.floatToFloat16(0.001f + 0.009f * random.nextFloat());
  }
}
