package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.LittleEndian.i8;

import java.lang.foreign.MemorySegment;

/** Reference {@link Int8Dot}s (block layouts in {@link ScalarBlockKernels}). */
enum ScalarInt8Dots implements Int8Dot {
  Q8_0 {
    @Override
    public float dot(MemorySegment w, long o, ActivationQ8 x, int n) {
      float sum = 0;
      for (int b = 0; b < n / 32; b++) {
        long p = o + 34L * b;
        int s = 0;
        for (int i = 0; i < 32; i++) {
          s += i8(w, p + 2 + i) * x.q[32 * b + i];
        }
        sum += s * (f16(w, p) * x.d[b]);
      }
      return sum;
    }
  }
}
