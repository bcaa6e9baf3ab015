package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.SHORT;
import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The repacked Q4_K matrix–vector loop over two rows half a thread's range apart ({@code r} and
 * {@code r + h}) at once: one thread reads two sequential streams of super-blocks, and each slice
 * of the prepared input is loaded once for both rows. Each row's arithmetic is the one-row kernel's
 * ({@link VectorRepackedKernels#Q4_K}), in its order, so the products agree with it up to the order
 * of the final lane sum.
 *
 * <p>Written so that C2 compiles it the same way in every JVM (docs/performance.md, "Q4_K_M in two
 * streams"): the matrix segment's class is tested once against that of an {@code Arena} allocation,
 * after which C2 knows it exactly without profiles (other segment classes take the one-row kernel),
 * and both rows are addressed by offsets into that one segment. Slices taken with {@code asSlice},
 * as {@link InterleavedGroups#q8Pair} takes them, compiled to a slower loop with calls in some
 * bench JVMs, where C2 declined to inline {@code asSlice} ("already compiled into a medium
 * method"). The body holds only Vector API and memory-access calls: ordinary helpers are left as
 * calls past C2's inlining node budget, and a vector returned by a call is boxed. 16 lanes only.
 */
final class RepackedFarPairs {
  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  /** The class of the engine's off-heap copies ({@code Arena.allocate}). */
  private static final Class<?> NATIVE = Arena.ofAuto().allocate(1).getClass();

  private RepackedFarPairs() {}

  /**
   * Rows {@code [from, to)} of the repacked Q4_K rows {@code w} ({@code rowBytes} each) times the
   * prepared input {@code prep} of {@code n} elements, into {@code out[outOff + r]}: rows {@code r}
   * and {@code r + h} together ({@code h} half the range), an odd last row on its own.
   */
  static void rows(
      MemorySegment w,
      long rowBytes,
      int from,
      int to,
      float[] prep,
      int n,
      float[] out,
      int outOff) {
    int h = (to - from) / 2;
    for (int r = from; r < from + h; r++) {
      q4Pair(
          w, r * rowBytes, (r + h) * rowBytes, rowBytes, prep, n, out, outOff + r, outOff + r + h);
    }
    for (int r = from + 2 * h; r < to; r++) {
      out[outOff + r] = VectorRepackedKernels.Q4_K.dot(w, r * rowBytes, prep, 0, prep, n);
    }
  }

  /**
   * The products of the rows at {@code oa} and {@code ob} into {@code out[at]}, {@code out[bt]}.
   */
  static void q4Pair(
      MemorySegment rows,
      long oa,
      long ob,
      long rowBytes,
      float[] prep,
      int n,
      float[] out,
      int at,
      int bt) {
    if (rows.getClass() != NATIVE) {
      out[at] = VectorRepackedKernels.Q4_K.dot(rows, oa, prep, 0, prep, n);
      out[bt] = VectorRepackedKernels.Q4_K.dot(rows, ob, prep, 0, prep, n);
      return;
    }
    // past the class test C2 knows the segment's exact class without profiles or calls that it
    // may refuse to inline (asSlice here was refused as "already compiled into a medium method"
    // in some JVMs, and the loop then ran at the one-row kernel's speed)
    MemorySegment wa = rows;
    MemorySegment wb = rows;
    FloatVector accA = FloatVector.zero(F);
    FloatVector minA = accA;
    FloatVector accB = accA;
    FloatVector minB = accA;
    int xb = 0;
    int sums = n;
    for (long p = 0; p < rowBytes; p += KQuantRepack.Q4_K_BYTES) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      for (int k = 0; k < 8; k++) {
        IntVector qa =
            (IntVector)
                ByteVector.fromMemorySegment(B, wa, oa + p + 20 + 16L * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector qb =
            (IntVector)
                ByteVector.fromMemorySegment(B, wb, ob + p + 20 + 16L * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        FloatVector x0 = FloatVector.fromArray(F, prep, xb + 32 * k);
        FloatVector x1 = FloatVector.fromArray(F, prep, xb + 32 * k + 16);
        a0 = ((FloatVector) qa.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, a0);
        b0 = ((FloatVector) qb.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, b0);
        a1 =
            ((FloatVector) qa.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                .fma(x1, a1);
        b1 =
            ((FloatVector) qb.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                .fma(x1, b1);
      }
      FloatVector smA =
          (FloatVector)
              ByteVector.fromMemorySegment(B, wa, oa + p + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector smB =
          (FloatVector)
              ByteVector.fromMemorySegment(B, wb, ob + p + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      FloatVector s = FloatVector.fromArray(F, prep, sums);
      accA =
          a0.add(a1)
              .fma(smA.rearrange(LOW_TWICE).mul(Float.float16ToFloat(wa.get(SHORT, oa + p))), accA);
      minA =
          s.fma(
              smA.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(wa.get(SHORT, oa + p + 2))), minA);
      accB =
          b0.add(b1)
              .fma(smB.rearrange(LOW_TWICE).mul(Float.float16ToFloat(wb.get(SHORT, ob + p))), accB);
      minB =
          s.fma(
              smB.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(wb.get(SHORT, ob + p + 2))), minB);
      xb += 256;
      sums += 16;
    }
    out[at] = accA.sub(minA).reduceLanes(VectorOperators.ADD);
    out[bt] = accB.sub(minB).reduceLanes(VectorOperators.ADD);
  }
}
