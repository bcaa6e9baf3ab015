package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.LittleEndian.i8;
import static dev.fathom.drafters.tensor.ScalarKQuantKernels.min;
import static dev.fathom.drafters.tensor.ScalarKQuantKernels.scale;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.loadBytes;
import static dev.fathom.drafters.tensor.VectorShapes.widen;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API kernels for the k-quants (layouts in {@link ScalarKQuantKernels}). The quants of a
 * 32-element sub-block are rebuilt as bytes (nibble, plus high bits for Q5_K/Q6_K), widened to
 * floats, turned into weights with one FMA ({@code q · d·scale - dmin·min}) and accumulated against
 * {@code x}; four accumulators keep the loop-carried FMA chains short.
 */
enum VectorKQuantKernels implements TypeKernel {
  Q4_K(144) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < n / 256; b++) {
        long p = o + 144L * b;
        int xi = xOff + 256 * b;
        float d = f16(w, p);
        float dmin = f16(w, p + 2);
        for (int j = 0; j < 4; j++) {
          FloatVector d1 = FloatVector.broadcast(F, d * scale(w, p + 4, 2 * j));
          FloatVector m1 = FloatVector.broadcast(F, -dmin * min(w, p + 4, 2 * j));
          FloatVector d2 = FloatVector.broadcast(F, d * scale(w, p + 4, 2 * j + 1));
          FloatVector m2 = FloatVector.broadcast(F, -dmin * min(w, p + 4, 2 * j + 1));
          int xj = xi + 64 * j;
          for (int c = 0; c < 32; c += L) {
            ByteVector q = loadBytes(w, p + 16 + 32 * j + c);
            FloatVector lo = widen(q.and((byte) 0x0F)).fma(d1, m1);
            FloatVector hi = widen(q.lanewise(VectorOperators.LSHR, 4)).fma(d2, m2);
            if ((j & 1) == 0) {
              a0 = lo.fma(FloatVector.fromArray(F, x, xj + c), a0);
              a1 = hi.fma(FloatVector.fromArray(F, x, xj + 32 + c), a1);
            } else {
              a2 = lo.fma(FloatVector.fromArray(F, x, xj + c), a2);
              a3 = hi.fma(FloatVector.fromArray(F, x, xj + 32 + c), a3);
            }
          }
        }
      }
      return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void block(MemorySegment w, long p, float[] dst, int base) {
      float d = f16(w, p);
      float dmin = f16(w, p + 2);
      for (int s = 0; s < 8; s++) {
        FloatVector ds = FloatVector.broadcast(F, d * scale(w, p + 4, s));
        FloatVector ms = FloatVector.broadcast(F, -dmin * min(w, p + 4, s));
        for (int c = 0; c < 32; c += L) {
          ByteVector q = loadBytes(w, p + 16 + 32 * (s / 2) + c);
          ByteVector nibble =
              (s & 1) == 0 ? q.and((byte) 0x0F) : q.lanewise(VectorOperators.LSHR, 4);
          widen(nibble).fma(ds, ms).intoArray(dst, base + 32 * s + c);
        }
      }
    }
  },
  Q5_K(176) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < n / 256; b++) {
        long p = o + 176L * b;
        int xi = xOff + 256 * b;
        float d = f16(w, p);
        float dmin = f16(w, p + 2);
        for (int j = 0; j < 4; j++) {
          FloatVector d1 = FloatVector.broadcast(F, d * scale(w, p + 4, 2 * j));
          FloatVector m1 = FloatVector.broadcast(F, -dmin * min(w, p + 4, 2 * j));
          FloatVector d2 = FloatVector.broadcast(F, d * scale(w, p + 4, 2 * j + 1));
          FloatVector m2 = FloatVector.broadcast(F, -dmin * min(w, p + 4, 2 * j + 1));
          int xj = xi + 64 * j;
          for (int c = 0; c < 32; c += L) {
            ByteVector q = loadBytes(w, p + 48 + 32 * j + c);
            ByteVector h = loadBytes(w, p + 16 + c);
            FloatVector lo = widen(q.and((byte) 0x0F).or(fifthBit(h, 2 * j))).fma(d1, m1);
            FloatVector hi =
                widen(q.lanewise(VectorOperators.LSHR, 4).or(fifthBit(h, 2 * j + 1))).fma(d2, m2);
            if ((j & 1) == 0) {
              a0 = lo.fma(FloatVector.fromArray(F, x, xj + c), a0);
              a1 = hi.fma(FloatVector.fromArray(F, x, xj + 32 + c), a1);
            } else {
              a2 = lo.fma(FloatVector.fromArray(F, x, xj + c), a2);
              a3 = hi.fma(FloatVector.fromArray(F, x, xj + 32 + c), a3);
            }
          }
        }
      }
      return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void block(MemorySegment w, long p, float[] dst, int base) {
      float d = f16(w, p);
      float dmin = f16(w, p + 2);
      for (int s = 0; s < 8; s++) {
        FloatVector ds = FloatVector.broadcast(F, d * scale(w, p + 4, s));
        FloatVector ms = FloatVector.broadcast(F, -dmin * min(w, p + 4, s));
        for (int c = 0; c < 32; c += L) {
          ByteVector q = loadBytes(w, p + 48 + 32 * (s / 2) + c);
          ByteVector nibble =
              (s & 1) == 0 ? q.and((byte) 0x0F) : q.lanewise(VectorOperators.LSHR, 4);
          ByteVector h = loadBytes(w, p + 16 + c);
          widen(nibble.or(fifthBit(h, s))).fma(ds, ms).intoArray(dst, base + 32 * s + c);
        }
      }
    }

    /** Bit {@code s} of each {@code qh} byte moved to bit 4 (16 for sub-block {@code s}). */
    private static ByteVector fifthBit(ByteVector h, int s) {
      return h.lanewise(VectorOperators.LSHR, s).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
    }
  },
  Q6_K(210) {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < n / 256; b++) {
        long p = o + 210L * b;
        float d = f16(w, p + 208);
        for (int half = 0; half < 2; half++) {
          long ql = p + 64 * half;
          long qh = p + 128 + 32 * half;
          long sc = p + 192 + 8 * half;
          int xh = xOff + 256 * b + 128 * half;
          for (int c = 0; c < 32; c += L) {
            int s = c / 16;
            ByteVector lo = loadBytes(w, ql + c);
            ByteVector hi = loadBytes(w, ql + 32 + c);
            ByteVector h = loadBytes(w, qh + c);
            a0 = weights(q1(lo, h), d * i8(w, sc + s)).fma(x(x, xh + c), a0);
            a1 = weights(q2(hi, h), d * i8(w, sc + s + 2)).fma(x(x, xh + 32 + c), a1);
            a2 = weights(q3(lo, h), d * i8(w, sc + s + 4)).fma(x(x, xh + 64 + c), a2);
            a3 = weights(q4(hi, h), d * i8(w, sc + s + 6)).fma(x(x, xh + 96 + c), a3);
          }
        }
      }
      return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void block(MemorySegment w, long p, float[] dst, int base) {
      float d = f16(w, p + 208);
      for (int half = 0; half < 2; half++) {
        long ql = p + 64 * half;
        long qh = p + 128 + 32 * half;
        long sc = p + 192 + 8 * half;
        int out = base + 128 * half;
        for (int c = 0; c < 32; c += L) {
          int s = c / 16;
          ByteVector lo = loadBytes(w, ql + c);
          ByteVector hi = loadBytes(w, ql + 32 + c);
          ByteVector h = loadBytes(w, qh + c);
          weights(q1(lo, h), d * i8(w, sc + s)).intoArray(dst, out + c);
          weights(q2(hi, h), d * i8(w, sc + s + 2)).intoArray(dst, out + 32 + c);
          weights(q3(lo, h), d * i8(w, sc + s + 4)).intoArray(dst, out + 64 + c);
          weights(q4(hi, h), d * i8(w, sc + s + 6)).intoArray(dst, out + 96 + c);
        }
      }
    }

    // Element 32k + l of a half: 4 bits of ql, then bits 2k..2k+1 of qh[l] as bits 4..5.
    private static ByteVector q1(ByteVector lo, ByteVector h) {
      return lo.and((byte) 0x0F).or(h.lanewise(VectorOperators.LSHL, 4).and((byte) 0x30));
    }

    private static ByteVector q2(ByteVector hi, ByteVector h) {
      return hi.and((byte) 0x0F).or(h.lanewise(VectorOperators.LSHL, 2).and((byte) 0x30));
    }

    private static ByteVector q3(ByteVector lo, ByteVector h) {
      return lo.lanewise(VectorOperators.LSHR, 4).or(h.and((byte) 0x30));
    }

    private static ByteVector q4(ByteVector hi, ByteVector h) {
      return hi.lanewise(VectorOperators.LSHR, 4)
          .or(h.lanewise(VectorOperators.LSHR, 2).and((byte) 0x30));
    }

    private static FloatVector weights(ByteVector q, float scale) {
      return widen(q.sub((byte) 32)).mul(scale);
    }

    private static FloatVector x(float[] x, int i) {
      return FloatVector.fromArray(F, x, i);
    }
  };

  private final int bytesPerBlock;

  VectorKQuantKernels(int bytesPerBlock) {
    this.bytesPerBlock = bytesPerBlock;
  }

  /** Dequantises the super-block at byte {@code p} into {@code dst[base .. base + 256)}. */
  abstract void block(MemorySegment w, long p, float[] dst, int base);

  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    for (int b = 0; b < n / 256; b++) {
      block(w, o + (long) bytesPerBlock * b, dst, dstOff + 256 * b);
    }
  }
}
