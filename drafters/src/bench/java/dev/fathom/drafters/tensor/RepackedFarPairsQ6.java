package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.SHORT;
import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An experiment, not used by the engine: {@link RepackedFarPairs}' two-stream loop for repacked
 * Q6_K rows. Over a decode step of the synthetic TinyLlama Q4_K_M it made no difference to the
 * engine's CPU per token (docs/performance.md, "Q4_K_M in two streams"), so Q6_K keeps the one-row
 * kernel.
 */
final class RepackedFarPairsQ6 {
  private RepackedFarPairsQ6() {}

  /**
   * Q6_K rows {@code [from, to)} as {@link RepackedFarPairs#rows} does for Q4_K (the one-row kernel
   * {@link VectorRepackedKernels#Q6_K}'s arithmetic per row, four chains per row).
   */
  static void q6Rows(
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
      q6Pair(
          w, r * rowBytes, (r + h) * rowBytes, rowBytes, prep, n, out, outOff + r, outOff + r + h);
    }
    for (int r = from + 2 * h; r < to; r++) {
      out[outOff + r] = VectorRepackedKernels.Q6_K.dot(w, r * rowBytes, prep, 0, prep, n);
    }
  }

  /** As {@link RepackedFarPairs#q4Pair} for repacked Q6_K rows. */
  static void q6Pair(
      MemorySegment rows,
      long oa,
      long ob,
      long rowBytes,
      float[] prep,
      int n,
      float[] out,
      int at,
      int bt) {
    MemorySegment wa = rows.asSlice(oa, rowBytes);
    MemorySegment wb = rows.asSlice(ob, rowBytes);
    FloatVector accA = FloatVector.zero(F);
    FloatVector accB = accA;
    int xb = 0;
    int sums = n;
    for (long p = 0; p < wa.byteSize(); p += KQuantRepack.Q6_K_BYTES) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      FloatVector b2 = a0;
      FloatVector b3 = a0;
      for (int u = 0; u < 4; u++) {
        long q = p + 18 + 48L * u;
        IntVector qa =
            (IntVector)
                ByteVector.fromMemorySegment(B, wa, q, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector qb =
            (IntVector)
                ByteVector.fromMemorySegment(B, wa, q + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector qc =
            (IntVector)
                ByteVector.fromMemorySegment(B, wa, q + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector ra =
            (IntVector)
                ByteVector.fromMemorySegment(B, wb, q, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector rb =
            (IntVector)
                ByteVector.fromMemorySegment(B, wb, q + 16, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector rc =
            (IntVector)
                ByteVector.fromMemorySegment(B, wb, q + 32, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        int xv = xb + 64 * u;
        FloatVector x0 = FloatVector.fromArray(F, prep, xv);
        FloatVector x1 = FloatVector.fromArray(F, prep, xv + 16);
        FloatVector x2 = FloatVector.fromArray(F, prep, xv + 32);
        FloatVector x3 = FloatVector.fromArray(F, prep, xv + 48);
        a0 = ((FloatVector) qa.and(63).convert(VectorOperators.I2F, 0)).fma(x0, a0);
        b0 = ((FloatVector) ra.and(63).convert(VectorOperators.I2F, 0)).fma(x0, b0);
        a1 = ((FloatVector) qb.and(63).convert(VectorOperators.I2F, 0)).fma(x1, a1);
        b1 = ((FloatVector) rb.and(63).convert(VectorOperators.I2F, 0)).fma(x1, b1);
        a2 = ((FloatVector) qc.and(63).convert(VectorOperators.I2F, 0)).fma(x2, a2);
        b2 = ((FloatVector) rc.and(63).convert(VectorOperators.I2F, 0)).fma(x2, b2);
        a3 =
            ((FloatVector)
                    qa.lanewise(VectorOperators.LSHR, 6)
                        .or(qb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
                        .or(qc.lanewise(VectorOperators.LSHR, 2).and(0x30))
                        .convert(VectorOperators.I2F, 0))
                .fma(x3, a3);
        b3 =
            ((FloatVector)
                    ra.lanewise(VectorOperators.LSHR, 6)
                        .or(rb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
                        .or(rc.lanewise(VectorOperators.LSHR, 2).and(0x30))
                        .convert(VectorOperators.I2F, 0))
                .fma(x3, b3);
      }
      // Σ sc·(q − 32)·x = sc·(Σ q·x − 32·Σ x): the prepared lane sums are already 32·Σ x
      FloatVector s = FloatVector.fromArray(F, prep, sums);
      FloatVector scA =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wa, p + 2, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(Float.float16ToFloat(wa.get(SHORT, p)));
      FloatVector scB =
          ((FloatVector)
                  ByteVector.fromMemorySegment(B, wb, p + 2, LE)
                      .convertShape(VectorOperators.B2F, F, 0))
              .mul(Float.float16ToFloat(wb.get(SHORT, p)));
      accA = a0.add(a1).add(a2.add(a3)).sub(s).fma(scA, accA);
      accB = b0.add(b1).add(b2.add(b3)).sub(s).fma(scB, accB);
      xb += 256;
      sums += 16;
    }
    out[at] = accA.reduceLanes(VectorOperators.ADD);
    out[bt] = accB.reduceLanes(VectorOperators.ADD);
  }
}
