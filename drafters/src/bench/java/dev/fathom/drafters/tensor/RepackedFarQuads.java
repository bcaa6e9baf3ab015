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
import jdk.incubator.vector.VectorShuffle;

/**
 * An experiment: {@link RepackedFarPairs} with four rows a quarter of the range apart ({@code r},
 * {@code r + q}, {@code r + 2q}, {@code r + 3q}): four streams per thread, each slice of the
 * prepared input loaded once for four rows. Same recipe (slices inside, Vector API calls only).
 */
final class RepackedFarQuads {
  private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(F, i -> i % 8);
  private static final VectorShuffle<Float> HIGH_TWICE = VectorShuffle.fromOp(F, i -> 8 + i % 8);

  private RepackedFarQuads() {}

  /** Rows {@code [from, to)}: quads, then the rest in far pairs. */
  static void rows(
      MemorySegment w, long rowBytes, int from, int to, float[] prep, int n, float[] out) {
    int q = (to - from) / 4;
    for (int r = from; r < from + q; r++) {
      quad(w, r * rowBytes, q * rowBytes, rowBytes, prep, n, out, r, q);
    }
    RepackedFarPairs.rows(w, rowBytes, from + 4 * q, to, prep, n, out, 0);
  }

  /** Rows at {@code o + k·step} for k = 0..3 into {@code out[at + k·q]}. */
  static void quad(
      MemorySegment rows,
      long o,
      long step,
      long rowBytes,
      float[] prep,
      int n,
      float[] out,
      int at,
      int q) {
    MemorySegment wa = rows.asSlice(o + 0 * step, rowBytes);
    MemorySegment wb = rows.asSlice(o + 1 * step, rowBytes);
    MemorySegment wc = rows.asSlice(o + 2 * step, rowBytes);
    MemorySegment wd = rows.asSlice(o + 3 * step, rowBytes);
    FloatVector acca = FloatVector.zero(F);
    FloatVector mina = acca;
    FloatVector accb = acca;
    FloatVector minb = acca;
    FloatVector accc = acca;
    FloatVector minc = acca;
    FloatVector accd = acca;
    FloatVector mind = acca;
    int xb = 0;
    int sums = n;
    for (long p = 0; p < wa.byteSize(); p += KQuantRepack.Q4_K_BYTES) {
      FloatVector ta0 = FloatVector.zero(F);
      FloatVector ta1 = ta0;
      FloatVector tb0 = ta0;
      FloatVector tb1 = ta0;
      FloatVector tc0 = ta0;
      FloatVector tc1 = ta0;
      FloatVector td0 = ta0;
      FloatVector td1 = ta0;
      for (int k = 0; k < 8; k++) {
        FloatVector x0 = FloatVector.fromArray(F, prep, xb + 32 * k);
        FloatVector x1 = FloatVector.fromArray(F, prep, xb + 32 * k + 16);
        IntVector qa =
            (IntVector)
                ByteVector.fromMemorySegment(B, wa, p + 20 + 16L * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector qb =
            (IntVector)
                ByteVector.fromMemorySegment(B, wb, p + 20 + 16L * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector qc =
            (IntVector)
                ByteVector.fromMemorySegment(B, wc, p + 20 + 16L * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        IntVector qd =
            (IntVector)
                ByteVector.fromMemorySegment(B, wd, p + 20 + 16L * k, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        ta0 = ((FloatVector) qa.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, ta0);
        ta1 =
            ((FloatVector) qa.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                .fma(x1, ta1);
        tb0 = ((FloatVector) qb.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, tb0);
        tb1 =
            ((FloatVector) qb.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                .fma(x1, tb1);
        tc0 = ((FloatVector) qc.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, tc0);
        tc1 =
            ((FloatVector) qc.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                .fma(x1, tc1);
        td0 = ((FloatVector) qd.and(0x0F).convert(VectorOperators.I2F, 0)).fma(x0, td0);
        td1 =
            ((FloatVector) qd.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                .fma(x1, td1);
      }
      FloatVector s = FloatVector.fromArray(F, prep, sums);
      FloatVector sma =
          (FloatVector)
              ByteVector.fromMemorySegment(B, wa, p + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      acca =
          ta0.add(ta1)
              .fma(sma.rearrange(LOW_TWICE).mul(Float.float16ToFloat(wa.get(SHORT, p))), acca);
      mina = s.fma(sma.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(wa.get(SHORT, p + 2))), mina);
      FloatVector smb =
          (FloatVector)
              ByteVector.fromMemorySegment(B, wb, p + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      accb =
          tb0.add(tb1)
              .fma(smb.rearrange(LOW_TWICE).mul(Float.float16ToFloat(wb.get(SHORT, p))), accb);
      minb = s.fma(smb.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(wb.get(SHORT, p + 2))), minb);
      FloatVector smc =
          (FloatVector)
              ByteVector.fromMemorySegment(B, wc, p + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      accc =
          tc0.add(tc1)
              .fma(smc.rearrange(LOW_TWICE).mul(Float.float16ToFloat(wc.get(SHORT, p))), accc);
      minc = s.fma(smc.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(wc.get(SHORT, p + 2))), minc);
      FloatVector smd =
          (FloatVector)
              ByteVector.fromMemorySegment(B, wd, p + 4, LE)
                  .convertShape(VectorOperators.B2F, F, 0);
      accd =
          td0.add(td1)
              .fma(smd.rearrange(LOW_TWICE).mul(Float.float16ToFloat(wd.get(SHORT, p))), accd);
      mind = s.fma(smd.rearrange(HIGH_TWICE).mul(Float.float16ToFloat(wd.get(SHORT, p + 2))), mind);
      xb += 256;
      sums += 16;
    }
    out[at + 0 * q] = acca.sub(mina).reduceLanes(VectorOperators.ADD);
    out[at + 1 * q] = accb.sub(minb).reduceLanes(VectorOperators.ADD);
    out[at + 2 * q] = accc.sub(minc).reduceLanes(VectorOperators.ADD);
    out[at + 3 * q] = accd.sub(mind).reduceLanes(VectorOperators.ADD);
  }
}
