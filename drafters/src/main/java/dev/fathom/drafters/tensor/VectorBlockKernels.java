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
 * summed against {@code x} without the scale; the scale multiplies the block sum once.
 */
enum VectorBlockKernels implements TypeKernel {
  Q8_0 {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      // One block per iteration of a plain counted loop: C2 then unrolls it four times and hoists
      // every range check out of it (the segment offset and the x index are both linear in b). The
      // earlier hand-unrolled two-block loop kept a check per load and ran ~35 instructions per
      // block instead of ~16.
      int blocks = n / 32;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + 34L * b;
        acc = q8Sum(w, p, x, xOff + 32 * b).fma(FloatVector.broadcast(F, f16(w, p)), acc);
      }
      return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dot2(
        MemorySegment w,
        long o,
        long rowBytes,
        float[] x,
        int xOff,
        int n,
        float[] out,
        int outOff) {
      // Two rows per loop: one thread's decode was the sum of the in-cache kernel time and the
      // memory time, not their maximum (docs/performance.md, "One-thread decode"); two chains and
      // two row streams let them overlap. Each row's arithmetic is exactly dot()'s.
      int blocks = n / 32;
      long o1 = o + rowBytes;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p0 = o + 34L * b;
        long p1 = o1 + 34L * b;
        int xi = xOff + 32 * b;
        a0 = q8Sum(w, p0, x, xi).fma(FloatVector.broadcast(F, f16(w, p0)), a0);
        a1 = q8Sum(w, p1, x, xi).fma(FloatVector.broadcast(F, f16(w, p1)), a1);
      }
      out[outOff] = a0.reduceLanes(VectorOperators.ADD);
      out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
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
      // A plain counted loop, as for Q8_0, so that C2 unrolls it and hoists the range checks.
      int blocks = n / 32;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + 18L * b;
        acc = q4Sum(w, p, x, xOff + 32 * b).fma(FloatVector.broadcast(F, f16(w, p)), acc);
      }
      return acc.reduceLanes(VectorOperators.ADD);
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
