package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.LE;
import static dev.fathom.drafters.tensor.VectorShapes.bfloats;
import static dev.fathom.drafters.tensor.VectorShapes.halves;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API kernels for F32, F16 and BF16; references in {@link ScalarFloatKernels}. Each constant
 * spells out its own loop (rather than sharing one through an overridden load) so that the loads
 * inline and no vector is ever boxed. Two accumulators halve the loop-carried FMA chain. Elements
 * past the last whole vector go through the scalar reference.
 */
enum VectorFloatKernels implements TypeKernel {
  F32 {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      int bound = F.loopBound(n);
      int i = 0;
      for (; i + L < bound; i += 2 * L) {
        acc0 = load(w, o + 4L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
        acc1 = load(w, o + 4L * (i + L)).fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
      }
      for (; i < bound; i += L) {
        acc0 = load(w, o + 4L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
      }
      float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
      return sum + ScalarFloatKernels.F32.dot(w, o + 4L * i, x, xOff + i, n - i);
    }

    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      int bound = F.loopBound(n);
      int i = 0;
      for (; i < bound; i += L) {
        load(w, o + 4L * i).intoArray(dst, dstOff + i);
      }
      ScalarFloatKernels.F32.dequantize(w, o + 4L * i, dst, dstOff + i, n - i);
    }

    private static FloatVector load(MemorySegment w, long offset) {
      return FloatVector.fromMemorySegment(F, w, offset, LE);
    }
  },
  F16 {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      int bound = F.loopBound(n);
      int i = 0;
      for (; i + L < bound; i += 2 * L) {
        acc0 = halves(w, o + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
        acc1 = halves(w, o + 2L * (i + L)).fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
      }
      for (; i < bound; i += L) {
        acc0 = halves(w, o + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
      }
      float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
      return sum + ScalarFloatKernels.F16.dot(w, o + 2L * i, x, xOff + i, n - i);
    }

    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      int bound = F.loopBound(n);
      int i = 0;
      for (; i < bound; i += L) {
        halves(w, o + 2L * i).intoArray(dst, dstOff + i);
      }
      ScalarFloatKernels.F16.dequantize(w, o + 2L * i, dst, dstOff + i, n - i);
    }
  },
  BF16 {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      int bound = F.loopBound(n);
      int i = 0;
      for (; i + L < bound; i += 2 * L) {
        acc0 = bfloats(w, o + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
        acc1 = bfloats(w, o + 2L * (i + L)).fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
      }
      for (; i < bound; i += L) {
        acc0 = bfloats(w, o + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
      }
      float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
      return sum + ScalarFloatKernels.BF16.dot(w, o + 2L * i, x, xOff + i, n - i);
    }

    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      int bound = F.loopBound(n);
      int i = 0;
      for (; i < bound; i += L) {
        bfloats(w, o + 2L * i).intoArray(dst, dstOff + i);
      }
      ScalarFloatKernels.BF16.dequantize(w, o + 2L * i, dst, dstOff + i, n - i);
    }
  }
}
