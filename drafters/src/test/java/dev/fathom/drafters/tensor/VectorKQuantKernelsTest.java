package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The all-at-once scale unpacking of the k-quant dot kernels against the one-at-a-time one. */
class VectorKQuantKernelsTest {

  @Test
  void unpackingAllEightScalesAndMinsAtOnceAgreesWithOneAtATime() {
    Random random = new Random(5);
    for (int trial = 0; trial < 10_000; trial++) {
      int u0 = random.nextInt();
      int u1 = random.nextInt();
      int u2 = random.nextInt();
      long low = (u0 & 0xFFFFFFFFL) | ((long) u1 << 32);
      long scales = VectorKQuantKernels.scales8(u0, u2);
      long mins = VectorKQuantKernels.mins8(u1, u2);
      for (int j = 0; j < 8; j++) {
        assertEquals(VectorKQuantKernels.scale(low, u2, j), VectorKQuantKernels.byteAt(scales, j));
        assertEquals(VectorKQuantKernels.min(low, u2, j), VectorKQuantKernels.byteAt(mins, j));
      }
    }
  }
}
