package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.bytes;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API kernels for Q8_0 and Q4_0 (layouts in {@link ScalarBlockKernels}). Matvec streams
 * these weights from DRAM, so the dot products are shaped to keep up with memory: each block's
 * quants are widened straight from the segment ({@code L} bytes to {@code L} floats per load) and
 * summed against {@code x} without the scale; the scale multiplies the block sum once, with two
 * blocks per iteration into two accumulators so that the loop-carried FMA chain is short.
 */
enum VectorBlockKernels implements TypeKernel {
  Q8_0 {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      int blocks = n / 32;
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      int b = 0;
      for (; b + 1 < blocks; b += 2) {
        long p = o + 34L * b;
        int xi = xOff + 32 * b;
        FloatVector s0 = q8Sum(w, p, x, xi);
        FloatVector s1 = q8Sum(w, p + 34, x, xi + 32);
        acc0 = s0.fma(FloatVector.broadcast(F, f16(w, p)), acc0);
        acc1 = s1.fma(FloatVector.broadcast(F, f16(w, p + 34)), acc1);
      }
      if (b < blocks) {
        long p = o + 34L * b;
        acc0 = q8Sum(w, p, x, xOff + 32 * b).fma(FloatVector.broadcast(F, f16(w, p)), acc0);
      }
      return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      for (int b = 0; b < n / 32; b++) {
        long p = o + 34L * b;
        float d = f16(w, p);
        for (int c = 0; c < 32; c += L) {
          bytes(w, p + 2 + c).mul(d).intoArray(dst, dstOff + 32 * b + c);
        }
      }
    }

    /** Σ qs[i] · x[xi + i] over one block, lane-wise (the scale is applied by the caller). */
    private static FloatVector q8Sum(MemorySegment w, long p, float[] x, int xi) {
      FloatVector s = bytes(w, p + 2).mul(FloatVector.fromArray(F, x, xi));
      for (int c = L; c < 32; c += L) {
        s = bytes(w, p + 2 + c).fma(FloatVector.fromArray(F, x, xi + c), s);
      }
      return s;
    }
  },
  Q4_0 {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      int blocks = n / 32;
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      int b = 0;
      for (; b + 1 < blocks; b += 2) {
        long p = o + 18L * b;
        int xi = xOff + 32 * b;
        FloatVector s0 = q4Sum(w, p, x, xi);
        FloatVector s1 = q4Sum(w, p + 18, x, xi + 32);
        acc0 = s0.fma(FloatVector.broadcast(F, f16(w, p)), acc0);
        acc1 = s1.fma(FloatVector.broadcast(F, f16(w, p + 18)), acc1);
      }
      if (b < blocks) {
        long p = o + 18L * b;
        acc0 = q4Sum(w, p, x, xOff + 32 * b).fma(FloatVector.broadcast(F, f16(w, p)), acc0);
      }
      return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      for (int b = 0; b < n / 32; b++) {
        long p = o + 18L * b;
        float d = f16(w, p);
        int base = dstOff + 32 * b;
        for (int c = 0; c < 16; c += L) {
          IntVector q = ints(w, p + 2 + c);
          low(q).mul(d).intoArray(dst, base + c);
          high(q).mul(d).intoArray(dst, base + 16 + c);
        }
      }
    }

    /** Σ (q - 8) · x over one block: low nibbles pair with x[0..16), high with x[16..32). */
    private static FloatVector q4Sum(MemorySegment w, long p, float[] x, int xi) {
      FloatVector s = FloatVector.zero(F);
      for (int c = 0; c < 16; c += L) {
        IntVector q = ints(w, p + 2 + c);
        s = low(q).fma(FloatVector.fromArray(F, x, xi + c), s);
        s = high(q).fma(FloatVector.fromArray(F, x, xi + 16 + c), s);
      }
      return s;
    }

    private static FloatVector low(IntVector q) {
      return floats(q.and(0x0F).sub(8));
    }

    private static FloatVector high(IntVector q) {
      return floats(q.lanewise(VectorOperators.LSHR, 4).and(0x0F).sub(8));
    }
  }
}
