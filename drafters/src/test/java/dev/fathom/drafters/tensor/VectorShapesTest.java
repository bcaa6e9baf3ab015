package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class VectorShapesTest {
  @Test
  void halfConversionMatchesTheJdkForAllBitPatterns() {
    ByteBuffer b = ByteBuffer.allocate(2 * 65536).order(ByteOrder.LITTLE_ENDIAN);
    for (int h = 0; h < 65536; h++) {
      b.putShort((short) h);
    }
    MemorySegment w = MemorySegment.ofArray(b.array());
    float[] out = new float[65536];
    VectorFloatKernels.F16.dequantize(w, 0, out, 0, 65536);
    for (int h = 0; h < 65536; h++) {
      float expected = Float.float16ToFloat((short) h);
      String half = "half 0x" + Integer.toHexString(h);
      if (Float.isNaN(expected)) {
        // The JDK also sets the quiet bit of a NaN; any NaN is as wrong a weight as another.
        assertTrue(Float.isNaN(out[h]), half);
        continue;
      }
      // Bit equality, so that -0, subnormals and infinities all count.
      assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[h]), half);
    }
  }
}
