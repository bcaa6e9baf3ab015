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

  /** Two row groups per loop: two sequential streams, eight accumulator chains. */
  static void q8TwoGroups(
      MemorySegment w, int groups, int blocks, float[] x, float[] out, int far) {
    int half = far > 0 ? groups / 2 : 1;
    for (int g0 = 0; g0 < groups; g0 += far > 0 ? 1 : 2) {
      if (far > 0 && g0 >= half) {
        break;
      }
      int g1 = g0 + half;
      long o = (long) g0 * blocks * 144;
      long p = (long) g1 * blocks * 144;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      FloatVector b2 = a0;
      FloatVector b3 = a0;
      for (int b = 0; b < blocks; b++) {
        long c = o + 144L * b;
        long d = p + 144L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        FloatVector as0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector as1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector as2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector as3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        as0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as0);
        as1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as1);
        as2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as2);
        as3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as3);
        a0 = as0.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 0)), a0);
        a1 = as1.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 4)), a1);
        a2 = as2.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 8)), a2);
        a3 = as3.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 12)), a3);
        FloatVector bs0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector bs1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector bs2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector bs3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        bs0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs0);
        bs1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs1);
        bs2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs2);
        bs3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, d + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs3);
        b0 = bs0.fma(FloatVector.broadcast(F, w.get(FLOAT, d + 0)), b0);
        b1 = bs1.fma(FloatVector.broadcast(F, w.get(FLOAT, d + 4)), b1);
        b2 = bs2.fma(FloatVector.broadcast(F, w.get(FLOAT, d + 8)), b2);
        b3 = bs3.fma(FloatVector.broadcast(F, w.get(FLOAT, d + 12)), b3);
      }
      out[4 * g0] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * g0 + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * g0 + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * g0 + 3] = a3.reduceLanes(VectorOperators.ADD);
      out[4 * g1] = b0.reduceLanes(VectorOperators.ADD);
      out[4 * g1 + 1] = b1.reduceLanes(VectorOperators.ADD);
      out[4 * g1 + 2] = b2.reduceLanes(VectorOperators.ADD);
      out[4 * g1 + 3] = b3.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Four row groups a quarter of the matrix apart per loop: four streams, 16 chains. */
  static void q8FourFar(MemorySegment w, int groups, int blocks, float[] x, float[] out) {
    int q = groups / 4;
    for (int g = 0; g < q; g++) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      FloatVector b0 = FloatVector.zero(F);
      FloatVector b1 = FloatVector.zero(F);
      FloatVector b2 = FloatVector.zero(F);
      FloatVector b3 = FloatVector.zero(F);
      FloatVector c0 = FloatVector.zero(F);
      FloatVector c1 = FloatVector.zero(F);
      FloatVector c2 = FloatVector.zero(F);
      FloatVector c3 = FloatVector.zero(F);
      FloatVector d0 = FloatVector.zero(F);
      FloatVector d1 = FloatVector.zero(F);
      FloatVector d2 = FloatVector.zero(F);
      FloatVector d3 = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long ca = (long) (g + 0 * q) * blocks * 144 + 144L * b;
        long cb = (long) (g + 1 * q) * blocks * 144 + 144L * b;
        long cc = (long) (g + 2 * q) * blocks * 144 + 144L * b;
        long cd = (long) (g + 3 * q) * blocks * 144 + 144L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        FloatVector as0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector as1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector as2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector as3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        as0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as0);
        as1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as1);
        as2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as2);
        as3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, ca + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, as3);
        a0 = as0.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 0)), a0);
        a1 = as1.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 4)), a1);
        a2 = as2.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 8)), a2);
        a3 = as3.fma(FloatVector.broadcast(F, w.get(FLOAT, ca + 12)), a3);
        FloatVector bs0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector bs1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector bs2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector bs3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        bs0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs0);
        bs1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs1);
        bs2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs2);
        bs3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cb + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, bs3);
        b0 = bs0.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 0)), b0);
        b1 = bs1.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 4)), b1);
        b2 = bs2.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 8)), b2);
        b3 = bs3.fma(FloatVector.broadcast(F, w.get(FLOAT, cb + 12)), b3);
        FloatVector cs0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector cs1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector cs2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector cs3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        cs0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, cs0);
        cs1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, cs1);
        cs2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, cs2);
        cs3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cc + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, cs3);
        c0 = cs0.fma(FloatVector.broadcast(F, w.get(FLOAT, cc + 0)), c0);
        c1 = cs1.fma(FloatVector.broadcast(F, w.get(FLOAT, cc + 4)), c1);
        c2 = cs2.fma(FloatVector.broadcast(F, w.get(FLOAT, cc + 8)), c2);
        c3 = cs3.fma(FloatVector.broadcast(F, w.get(FLOAT, cc + 12)), c3);
        FloatVector ds0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector ds1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector ds2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector ds3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        ds0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, ds0);
        ds1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, ds1);
        ds2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, ds2);
        ds3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, cd + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, ds3);
        d0 = ds0.fma(FloatVector.broadcast(F, w.get(FLOAT, cd + 0)), d0);
        d1 = ds1.fma(FloatVector.broadcast(F, w.get(FLOAT, cd + 4)), d1);
        d2 = ds2.fma(FloatVector.broadcast(F, w.get(FLOAT, cd + 8)), d2);
        d3 = ds3.fma(FloatVector.broadcast(F, w.get(FLOAT, cd + 12)), d3);
      }
      out[4 * (g + 0 * q) + 0] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 0 * q) + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 0 * q) + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 0 * q) + 3] = a3.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 1 * q) + 0] = b0.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 1 * q) + 1] = b1.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 1 * q) + 2] = b2.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 1 * q) + 3] = b3.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 2 * q) + 0] = c0.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 2 * q) + 1] = c1.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 2 * q) + 2] = c2.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 2 * q) + 3] = c3.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 3 * q) + 0] = d0.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 3 * q) + 1] = d1.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 3 * q) + 2] = d2.reduceLanes(VectorOperators.ADD);
      out[4 * (g + 3 * q) + 3] = d3.reduceLanes(VectorOperators.ADD);
    }
  }

  /** The engine's loop with the cell's four scales read as one 128-bit vector (fewer nodes). */
  static void q8Lanes(MemorySegment w, int groups, int blocks, float[] x, float[] out) {
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
        FloatVector d = FloatVector.fromMemorySegment(FloatVector.SPECIES_128, w, c, LE);
        FloatVector s0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector s1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector s2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector s3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        s0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s0);
        s1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s1);
        s2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s2);
        s3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s3);
        a0 = s0.fma(FloatVector.broadcast(F, d.lane(0)), a0);
        a1 = s1.fma(FloatVector.broadcast(F, d.lane(1)), a1);
        a2 = s2.fma(FloatVector.broadcast(F, d.lane(2)), a2);
        a3 = s3.fma(FloatVector.broadcast(F, d.lane(3)), a3);
      }
      out[4 * g] = a0.reduceLanes(VectorOperators.ADD);
      out[4 * g + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[4 * g + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[4 * g + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  /** The engine's loop over a slice of the group's cells with a long induction variable. */
  static void q8Long(MemorySegment all, int groups, int blocks, float[] x, float[] out) {
    for (int g = 0; g < groups; g++) {
      MemorySegment w = all.asSlice((long) g * blocks * 144, blocks * 144L);
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      int xi = 0;
      for (long c = 0; c < w.byteSize(); c += 144) {
        FloatVector x0 = FloatVector.fromArray(F, x, xi);
        FloatVector x1 = FloatVector.fromArray(F, x, xi + 16);
        xi += 32;
        FloatVector s0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector s1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 48, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector s2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 80, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        FloatVector s3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 112, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .mul(x0);
        s0 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 32, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s0);
        s1 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 64, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s1);
        s2 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 96, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s2);
        s3 =
            ((FloatVector)
                    ByteVector.fromMemorySegment(VectorShapes.B, w, c + 128, LE)
                        .convertShape(VectorOperators.B2F, F, 0))
                .fma(x1, s3);
        a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 0)), a0);
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

  /** The engine's loops before the long induction variable (an int block counter), for A/B. */
  static void intLoops(
      MemorySegment w, boolean q8, int from, int to, int blocks, float[] x, float[] out) {
    for (int g = from; g < to; g++) {
      if (q8) {
        q8Group(w, blocks, (long) g * blocks * 144, x, 0, out, 4 * g);
      } else {
        q4Group(w, blocks, (long) g * blocks * 80, x, 0, out, 4 * g);
      }
    }
  }

  private static void q8Group(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 144L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      a0 = q8Row(w, c + 16, x0, x1, w.get(FLOAT, c), a0);
      a1 = q8Row(w, c + 48, x0, x1, w.get(FLOAT, c + 4), a1);
      a2 = q8Row(w, c + 80, x0, x1, w.get(FLOAT, c + 8), a2);
      a3 = q8Row(w, c + 112, x0, x1, w.get(FLOAT, c + 12), a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  /**
   * Q4_0 cells hold the four rows' 64 nibble bytes as one int vector whose lane {@code i} has byte
   * {@code i} of row {@code j} in its byte {@code j}: one load, and each row's low and high nibbles
   * are a shift away. The 16-entry table is scaled by the row's {@code d}, so a lookup yields the
   * dequantised weight {@code (q − 8)·d} and no multiply-add with the scale remains.
   */
  private static void q4Group(
      MemorySegment w, int blocks, long o, float[] x, int xOff, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, VectorShapes.LE);
      IntVector t0 = oldTable(w.get(FLOAT, c));
      IntVector t1 = oldTable(w.get(FLOAT, c + 4));
      IntVector t2 = oldTable(w.get(FLOAT, c + 8));
      IntVector t3 = oldTable(w.get(FLOAT, c + 12));
      a0 = oldLook(v, t0).fma(x0, a0);
      a0 = oldLook(v.lanewise(VectorOperators.LSHR, 4), t0).fma(x1, a0);
      a1 = oldLook(v.lanewise(VectorOperators.LSHR, 8), t1).fma(x0, a1);
      a1 = oldLook(v.lanewise(VectorOperators.LSHR, 12), t1).fma(x1, a1);
      a2 = oldLook(v.lanewise(VectorOperators.LSHR, 16), t2).fma(x0, a2);
      a2 = oldLook(v.lanewise(VectorOperators.LSHR, 20), t2).fma(x1, a2);
      a3 = oldLook(v.lanewise(VectorOperators.LSHR, 24), t3).fma(x0, a3);
      a3 = oldLook(v.lanewise(VectorOperators.LSHR, 28), t3).fma(x1, a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  private static final float[] NIBBLES = {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7};

  private static IntVector oldTable(float d) {
    return FloatVector.fromArray(F, NIBBLES, 0).mul(d).reinterpretAsInts();
  }

  private static FloatVector oldLook(IntVector v, IntVector t) {
    return v.selectFrom(t).reinterpretAsFloats();
  }

  private static FloatVector q8Row(
      MemorySegment w, long q, FloatVector x0, FloatVector x1, float d, FloatVector acc) {
    FloatVector s =
        ((FloatVector)
                ByteVector.fromMemorySegment(VectorShapes.B, w, q, LE)
                    .convertShape(VectorOperators.B2F, F, 0))
            .mul(x0);
    s =
        ((FloatVector)
                ByteVector.fromMemorySegment(VectorShapes.B, w, q + 16, LE)
                    .convertShape(VectorOperators.B2F, F, 0))
            .fma(x1, s);
    return s.fma(FloatVector.broadcast(F, d), acc);
  }

  private static final float MAGIC4 = 8388608f + 8f;

  /**
   * Q4_0 cells without the table: each nibble masked into the mantissa of {@code 2^23} ({@code
   * vpternlogd}) and {@code 2^23 + 8} subtracted gives {@code q − 8} exactly, then the row's scale
   * once per block, as for Q8_0 ({@code vsubps} instead of {@code vpandd} + {@code vpermd}).
   */
  static void q4Magic(MemorySegment w, int groups, int blocks, float[] x, float[] out) {
    for (int g = 0; g < groups; g++) {
      long o = (long) g * blocks * 80;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < blocks; b++) {
        long c = o + 80L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
        FloatVector s0 = v.and(15).or(0x4B000000).reinterpretAsFloats().sub(MAGIC4).mul(x0);
        s0 =
            v.lanewise(VectorOperators.LSHR, 4)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s0);
        FloatVector s1 =
            v.lanewise(VectorOperators.LSHR, 8)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .mul(x0);
        s1 =
            v.lanewise(VectorOperators.LSHR, 12)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s1);
        FloatVector s2 =
            v.lanewise(VectorOperators.LSHR, 16)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .mul(x0);
        s2 =
            v.lanewise(VectorOperators.LSHR, 20)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s2);
        FloatVector s3 =
            v.lanewise(VectorOperators.LSHR, 24)
                .and(15)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .mul(x0);
        s3 =
            v.lanewise(VectorOperators.LSHR, 28)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(MAGIC4)
                .fma(x1, s3);
        a0 = s0.fma(FloatVector.broadcast(F, w.get(FLOAT, c + 0)), a0);
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
}
