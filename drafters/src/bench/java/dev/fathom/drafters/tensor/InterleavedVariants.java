package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Experimental one-thread loops over Q8_0 cells of {@link InterleavedRows} for {@link
 * InterleavedAB}; not used by the engine. {@code transposed} rewrites a cell's 128 quant bytes as
 * two int vectors whose lane {@code i} holds, in byte {@code k}, weight {@code i} (first vector) or
 * {@code 16 + i} (second) of row {@code k}, so that a row's 16 weights are a shift (or two) away
 * instead of a byte-to-int widening ({@code vpmovsxbd}, a shuffle-port instruction).
 */
final class InterleavedVariants {
  private InterleavedVariants() {}

  private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

  /** The cells of {@code cells} (Q8_0, 144 bytes) with their quants transposed; xor 0x80 too. */
  static MemorySegment transposed(MemorySegment cells, long count, boolean unsigned) {
    MemorySegment t = Arena.ofAuto().allocate(count * 144, 64);
    for (long c = 0; c < count; c++) {
      long at = c * 144;
      MemorySegment.copy(cells, at, t, at, 16);
      for (int k = 0; k < 4; k++) {
        for (int i = 0; i < 32; i++) {
          byte q = cells.get(BYTE, at + 16 + 32L * k + i);
          long to = at + 16 + (i < 16 ? 0 : 64) + 4L * (i % 16) + k;
          t.set(BYTE, to, unsigned ? (byte) (q ^ 0x80) : q);
        }
      }
    }
    return t;
  }

  // Every call inside the loops below is a Vector API or memory-access method (@ForceInline):
  // C2 stops inlining ordinary helpers once a compilation passes its node cutoff
  // (NodeCountInliningCutoff, 18,000 parsed nodes), and a helper returning a vector that is not
  // inlined boxes it, which made the first versions of these loops 5-10 times slower.

  /** Two cells per iteration, every load of both issued before their arithmetic. */
  static void q8Unroll2(MemorySegment w, int groups, int blocks, float[] x, float[] out) {
    for (int g = 0; g < groups; g++) {
      long o = (long) g * blocks * 144;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < blocks; b += 2) {
        long c = o + 144L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        FloatVector y0 = FloatVector.fromArray(F, x, 32 * b + 32);
        FloatVector y1 = FloatVector.fromArray(F, x, 32 * b + 48);
        FloatVector p0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector p1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector p2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector p3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector q0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 160, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(y0);
        FloatVector q1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 192, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(y0);
        FloatVector q2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 224, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(y0);
        FloatVector q3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 256, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(y0);
        p0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, p0);
        p1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, p1);
        p2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, p2);
        p3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, p3);
        q0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 176, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(y1, q0);
        q1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 208, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(y1, q1);
        q2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 240, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(y1, q2);
        q3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 272, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(y1, q3);
        a0 = p0.fma(FloatVector.broadcast(F, w.get(FLOAT, c)), a0);
        a1 = p1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
        a2 = p2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
        a3 = p3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
        a0 = q0.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 144)), a0);
        a1 = q1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 148)), a1);
        a2 = q2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 152)), a2);
        a3 = q3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 156)), a3);
      }
      out[4 * g] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * g + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * g + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * g + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Transposed cells, signed quants: each row's 16 weights by shifts, then {@code cvtdq2ps}. */
  static void q8Shift(MemorySegment w, int groups, int blocks, float[] x, float[] out) {
    for (int g = 0; g < groups; g++) {
      long o = (long) g * blocks * 144;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < blocks; b++) {
        long c = o + 144L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        IntVector u = IntVector.fromMemorySegment(I, w, c + 16, LE);
        IntVector v = IntVector.fromMemorySegment(I, w, c + 80, LE);
        FloatVector s0 =
            ((FloatVector)
                    u.lanewise(VectorOperators.LSHL, 24)
                        .lanewise(VectorOperators.ASHR, 24)
                        .convert(VectorOperators.I2F, 0))
                .mul(x0);
        FloatVector s1 =
            ((FloatVector)
                    u.lanewise(VectorOperators.LSHL, 16)
                        .lanewise(VectorOperators.ASHR, 24)
                        .convert(VectorOperators.I2F, 0))
                .mul(x0);
        FloatVector s2 =
            ((FloatVector)
                    u.lanewise(VectorOperators.LSHL, 8)
                        .lanewise(VectorOperators.ASHR, 24)
                        .convert(VectorOperators.I2F, 0))
                .mul(x0);
        FloatVector s3 =
            ((FloatVector) u.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0))
                .mul(x0);
        s0 =
            ((FloatVector)
                    v.lanewise(VectorOperators.LSHL, 24)
                        .lanewise(VectorOperators.ASHR, 24)
                        .convert(VectorOperators.I2F, 0))
                .fma(x1, s0);
        s1 =
            ((FloatVector)
                    v.lanewise(VectorOperators.LSHL, 16)
                        .lanewise(VectorOperators.ASHR, 24)
                        .convert(VectorOperators.I2F, 0))
                .fma(x1, s1);
        s2 =
            ((FloatVector)
                    v.lanewise(VectorOperators.LSHL, 8)
                        .lanewise(VectorOperators.ASHR, 24)
                        .convert(VectorOperators.I2F, 0))
                .fma(x1, s2);
        s3 =
            ((FloatVector) v.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0))
                .fma(x1, s3);
        a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c)), a0);
        a1 = s1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
        a2 = s2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
        a3 = s3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
      }
      out[4 * g] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * g + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * g + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * g + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  private static final float MAGIC = 8388608f + 128f;

  /**
   * Transposed cells, quants stored {@code q + 128}: byte {@code k} masked into the mantissa of
   * {@code 2^23} ({@code vpternlogd}) and {@code 2^23 + 128} subtracted gives {@code q} exactly, on
   * the floating-point adders instead of the converter.
   */
  static void q8Magic(MemorySegment w, int groups, int blocks, float[] x, float[] out) {
    for (int g = 0; g < groups; g++) {
      long o = (long) g * blocks * 144;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < blocks; b++) {
        long c = o + 144L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        IntVector u = IntVector.fromMemorySegment(I, w, c + 16, LE);
        IntVector v = IntVector.fromMemorySegment(I, w, c + 80, LE);
        FloatVector s0 = u.and(0xFF).or(0x4B000000).reinterpretAsFloats().sub(MAGIC).mul(x0);
        FloatVector s1 =
            u.lanewise(VectorOperators.LSHR, 8)
                .and(0xFF)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC)
                .mul(x0);
        FloatVector s2 =
            u.lanewise(VectorOperators.LSHR, 16)
                .and(0xFF)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC)
                .mul(x0);
        FloatVector s3 =
            u.lanewise(VectorOperators.LSHR, 24)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC)
                .mul(x0);
        s0 = v.and(0xFF).or(0x4B000000).reinterpretAsFloats().sub(MAGIC).fma(x1, s0);
        s1 =
            v.lanewise(VectorOperators.LSHR, 8)
                .and(0xFF)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC)
                .fma(x1, s1);
        s2 =
            v.lanewise(VectorOperators.LSHR, 16)
                .and(0xFF)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC)
                .fma(x1, s2);
        s3 =
            v.lanewise(VectorOperators.LSHR, 24)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC)
                .fma(x1, s3);
        a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c)), a0);
        a1 = s1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
        a2 = s2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
        a3 = s3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
      }
      out[4 * g] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * g + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * g + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * g + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  private static final FloatVector NIBBLES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  /** The engine's Q4_0 loop over a slice of the group's cells with a long counter (as Q8_0's). */
  static void q4Long(MemorySegment all, int groups, int blocks, float[] x, float[] out) {
    for (int g = 0; g < groups; g++) {
      MemorySegment w = all.asSlice((long) g * blocks * 80, blocks * 80L);
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      int xi = 0;
      for (long c = 0; c < w.byteSize(); c += 80) {
        FloatVector x0 = FloatVector.fromArray(F, x, xi);
        FloatVector x1 = FloatVector.fromArray(F, x, xi + 16);
        xi += 32;
        IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
        IntVector t0 = NIBBLES.mul(w.get(FLOAT, c + 0)).reinterpretAsInts();
        IntVector t1 = NIBBLES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
        IntVector t2 = NIBBLES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
        IntVector t3 = NIBBLES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
        a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
        a0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
        a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
        a1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
        a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
        a2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
        a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
        a3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
      }
      out[4 * g] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * g + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * g + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * g + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }
}
