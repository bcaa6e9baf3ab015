package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorKQuantKernels.byteAt;
import static dev.fathom.drafters.tensor.VectorKQuantKernels.mins8;
import static dev.fathom.drafters.tensor.VectorKQuantKernels.scales8;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API {@link SubBlockSumDot}s. The Q4_K kernel sums raw nibbles times {@code x} per
 * sub-block (one multiply-add per 16 weights, as the Q4_0 kernel does) and scales each sub-block
 * sum once by {@code d·sc}; the minimum enters as {@code dmin·Σ m·Σx} from the precomputed sums.
 * The earlier kernel dequantised every weight ({@code q·d·sc − dmin·m}, one more multiply-add per
 * 16 weights) before multiplying it with {@code x}.
 */
enum VectorKQuantSums implements SubBlockSumDot {
  Q4_K {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, float[] sums, int n) {
      int blocks = n / 256;
      float minTerm = 0;
      for (int b = 0; b < blocks; b++) {
        long p = o + 144L * b;
        long mn = mins8(w.get(INT, p + 8), w.get(INT, p + 12));
        float m = 0;
        for (int s = 0; s < 8; s++) {
          m += byteAt(mn, s) * sums[8 * b + s];
        }
        minTerm += f16(w, p + 2) * m;
      }
      // One flat loop over the 32-byte quant groups (64 weights, sub-blocks 2j and 2j + 1 of
      // super-block g / 4), re-reading the super-block's d and scales per group: nested loops over
      // super-blocks and groups ran 1.1-1.3x slower (one thread, loaded machine), as C2 handles
      // the flat counted loop as it does Q4_0's (see VectorBlockKernels).
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      for (int g = 0; g < 4 * blocks; g++) {
        long p = o + 144L * (g >>> 2);
        int j = g & 3;
        long sc = scales8(w.get(INT, p + 4), w.get(INT, p + 12));
        float d = f16(w, p);
        int xj = xOff + 64 * g;
        long qp = p + 16 + 32 * j;
        IntVector q = ints(w, qp);
        FloatVector t0 = floats(q.and(0x0F)).mul(FloatVector.fromArray(F, x, xj));
        FloatVector t1 =
            floats(q.lanewise(VectorOperators.LSHR, 4).and(0x0F))
                .mul(FloatVector.fromArray(F, x, xj + 32));
        for (int c = L; c < 32; c += L) {
          q = ints(w, qp + c);
          t0 = floats(q.and(0x0F)).fma(FloatVector.fromArray(F, x, xj + c), t0);
          t1 =
              floats(q.lanewise(VectorOperators.LSHR, 4).and(0x0F))
                  .fma(FloatVector.fromArray(F, x, xj + 32 + c), t1);
        }
        a0 = t0.fma(FloatVector.broadcast(F, d * byteAt(sc, 2 * j)), a0);
        a1 = t1.fma(FloatVector.broadcast(F, d * byteAt(sc, 2 * j + 1)), a1);
      }
      return a0.add(a1).reduceLanes(VectorOperators.ADD) - minTerm;
    }
  };

  private static final ValueLayout.OfInt INT = LittleEndian.INT;

  @Override
  public float[] sums(float[] x, int xOff, int n) {
    float[] sums = new float[n / 32];
    for (int k = 0; k < sums.length; k++) {
      FloatVector s = FloatVector.fromArray(F, x, xOff + 32 * k);
      for (int c = L; c < 32; c += L) {
        s = s.add(FloatVector.fromArray(F, x, xOff + 32 * k + c));
      }
      sums[k] = s.reduceLanes(VectorOperators.ADD);
    }
    return sums;
  }
}
