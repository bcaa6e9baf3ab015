package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Two rows of a repacked Q4_K or Q6_K matrix ({@link KQuantRepack}) dotted in one pass with the
 * same prepared input ({@link VectorRepackedKernels#sums}), as {@link TypeKernel#dot2} does for
 * Q8_0: each slice of the permuted input and each lane sum is loaded once for both rows, and the
 * rows' two sets of accumulator chains and two weight streams are in flight together, so the memory
 * read of one row overlaps the arithmetic of the other (a one-row decode product costs about its
 * in-cache arithmetic plus its read time, {@code docs/performance.md}, "One-thread decode").
 *
 * <p>Each row's arithmetic is exactly {@link VectorRepackedKernels#dot}'s: the same operations on
 * the same values in the same order, so a pair's results equal the one-row kernel's (up to the lane
 * reduction, which a different JIT tier may sum in another order). The rows are {@code rowBytes}
 * apart; both start at a super-block and hold {@code n} elements.
 *
 * <p><b>Why the vector calls are written out instead of calling small helpers</b> ({@code uints},
 * {@code floats}, {@code f16}): a pair kernel is twice the one-row kernel's code, and C2 stops
 * inlining ordinary methods once a compilation's node count passes {@code NodeCountInliningCutoff}
 * (18,000), while the Vector API's own {@code @ForceInline} methods are then inlined later
 * (incrementally, under the larger {@code LiveNodeCountInliningCutoff}). A helper left as a call
 * passes its vectors boxed, on the heap: with helpers, the pairs ran 2.5–6× slower than one row at
 * a time ({@code RepackedPairSpeed}, {@code -XX:+PrintInlining}).
 */
final class RepackedRowPairs {
  /** Q4_K's {@code d} (low half) and {@code dmin} (high half), read as one int. */
  private static final ValueLayout.OfInt HEADER = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

  /** Lanes {@code 0..7, 0..7} and {@code 8..15, 8..15} of a 16-lane vector. */
  private static final VectorShuffle<Integer> LOW_TWICE = VectorShuffle.fromOp(I, i -> i % 8);

  private static final VectorShuffle<Integer> HIGH_TWICE = VectorShuffle.fromOp(I, i -> 8 + i % 8);

  private RepackedRowPairs() {}

  /** {@link VectorRepackedKernels#Q4_K}'s dot of the rows at {@code o} and {@code o + rowBytes}. */
  static void q4K(
      MemorySegment w, long o, long rowBytes, float[] prep, int n, float[] out, int outOff) {
    int blocks = n / 256;
    long o1 = o + rowBytes;
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector min0 = acc0;
    FloatVector acc1 = acc0;
    FloatVector min1 = acc0;
    for (int b = 0; b < blocks; b++) {
      long p0 = o + (long) KQuantRepack.Q4_K_BYTES * b;
      long p1 = o1 + (long) KQuantRepack.Q4_K_BYTES * b;
      int xb = 256 * b;
      FloatVector t0 = FloatVector.zero(F);
      FloatVector t1 = t0;
      FloatVector u0 = t0;
      FloatVector u1 = t0;
      for (int k = 0; k < 128 / L; k++) {
        int xv = xb + 2 * L * k;
        FloatVector x0 = FloatVector.fromArray(F, prep, xv);
        FloatVector x1 = FloatVector.fromArray(F, prep, xv + L);
        long c = 20 + L * k;
        IntVector q =
            (IntVector)
                ByteVector.fromMemorySegment(B, w, p0 + c, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        t0 = q.and(0x0F).convert(VectorOperators.I2F, 0).reinterpretAsFloats().fma(x0, t0);
        t1 =
            q.lanewise(VectorOperators.LSHR, 4)
                .convert(VectorOperators.I2F, 0)
                .reinterpretAsFloats()
                .fma(x1, t1);
        IntVector s =
            (IntVector)
                ByteVector.fromMemorySegment(B, w, p1 + c, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        u0 = s.and(0x0F).convert(VectorOperators.I2F, 0).reinterpretAsFloats().fma(x0, u0);
        u1 =
            s.lanewise(VectorOperators.LSHR, 4)
                .convert(VectorOperators.I2F, 0)
                .reinterpretAsFloats()
                .fma(x1, u1);
      }
      FloatVector laneSums = FloatVector.fromArray(F, prep, n + 16 * b);
      // The header: 8 scales then 8 mins (bytes 4..19), d and dmin (bytes 0..3).
      IntVector sm0 =
          (IntVector)
              ByteVector.fromMemorySegment(B, w, p0 + 4, LE)
                  .convertShape(VectorOperators.B2I, I, 0);
      IntVector mn0 =
          L == 8
              ? (IntVector)
                  ByteVector.fromMemorySegment(B, w, p0 + 12, LE)
                      .convertShape(VectorOperators.B2I, I, 0)
              : sm0.rearrange(HIGH_TWICE);
      int h0 = w.get(HEADER, p0);
      FloatVector scales0 =
          (L == 8 ? sm0 : sm0.rearrange(LOW_TWICE))
              .convert(VectorOperators.I2F, 0)
              .reinterpretAsFloats()
              .mul(Float.float16ToFloat((short) h0));
      FloatVector mins0 =
          mn0.convert(VectorOperators.I2F, 0)
              .reinterpretAsFloats()
              .mul(Float.float16ToFloat((short) (h0 >>> 16)));
      acc0 = t0.add(t1).fma(scales0, acc0);
      min0 = laneSums.fma(mins0, min0);
      IntVector sm1 =
          (IntVector)
              ByteVector.fromMemorySegment(B, w, p1 + 4, LE)
                  .convertShape(VectorOperators.B2I, I, 0);
      IntVector mn1 =
          L == 8
              ? (IntVector)
                  ByteVector.fromMemorySegment(B, w, p1 + 12, LE)
                      .convertShape(VectorOperators.B2I, I, 0)
              : sm1.rearrange(HIGH_TWICE);
      int h1 = w.get(HEADER, p1);
      FloatVector scales1 =
          (L == 8 ? sm1 : sm1.rearrange(LOW_TWICE))
              .convert(VectorOperators.I2F, 0)
              .reinterpretAsFloats()
              .mul(Float.float16ToFloat((short) h1));
      FloatVector mins1 =
          mn1.convert(VectorOperators.I2F, 0)
              .reinterpretAsFloats()
              .mul(Float.float16ToFloat((short) (h1 >>> 16)));
      acc1 = u0.add(u1).fma(scales1, acc1);
      min1 = laneSums.fma(mins1, min1);
    }
    out[outOff] = acc0.sub(min0).reduceLanes(VectorOperators.ADD);
    out[outOff + 1] = acc1.sub(min1).reduceLanes(VectorOperators.ADD);
  }
}
