package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Ablations of the engine's one-group Q4_0 loop, to find what bounds it; wrong results on purpose,
 * not a kernel. {@code notable}: the four table multiplies (and scale loads) left out, one
 * unscaled table for all rows. {@code nolook}: the lookups left out (the shifted lanes used as
 * floats).
 */
final class InterleavedQ4Ablations {
  private InterleavedQ4Ablations() {}

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  static void groups(String form, InterleavedRows cells, int from, int to, float[] x, float[] out) {
    MemorySegment w = cells.data();
    long size = cells.rowBytes() * 4;
    int blocks = (int) (size / 80);
    if (form.equals("chunks")) {
      // -Dchunk=N blocks of columns at a time, every group, then the next N
      int chunk = Integer.getInteger("chunk", 64);
      for (int b0 = 0; b0 < blocks; b0 += chunk) {
        int b1 = Math.min(blocks, b0 + chunk);
        for (int g = from; g < to; g++) {
          range(w, g * size, b0, b1, x, out, 4 * g, b0 > 0);
        }
      }
      return;
    }
    for (int g = from; g < to; g++) {
      switch (form) {
        case "notable" -> noTable(w, blocks, g * size, x, out, 4 * g);
        case "nolook" -> noLook(w, blocks, g * size, x, out, 4 * g);
        case "vscale" -> vScale(w, blocks, g * size, x, out, 4 * g);
        case "q4u2" -> unroll2(w, blocks, g * size, x, out, 4 * g);
        case "smallx" -> smallX(w, blocks, g * size, x, out, 4 * g);
        default -> throw new IllegalArgumentException(form);
      }
    }
  }

  static void noTable(MemorySegment w, int blocks, long o, float[] x, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    IntVector t0 = NIBBLE_VALUES.reinterpretAsInts();
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
      a0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t0).reinterpretAsFloats().fma(x0, a1);
      a1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t0).reinterpretAsFloats().fma(x1, a1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t0).reinterpretAsFloats().fma(x0, a2);
      a2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t0).reinterpretAsFloats().fma(x1, a2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t0).reinterpretAsFloats().fma(x0, a3);
      a3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t0).reinterpretAsFloats().fma(x1, a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  static void noLook(MemorySegment w, int blocks, long o, float[] x, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      FloatVector t0 = NIBBLE_VALUES.mul(w.get(FLOAT, c));
      FloatVector t1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4));
      FloatVector t2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8));
      FloatVector t3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12));
      a0 = v.reinterpretAsFloats().add(t0).fma(x0, a0);
      a0 = v.lanewise(VectorOperators.LSHR, 4).reinterpretAsFloats().fma(x1, a0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).reinterpretAsFloats().add(t1).fma(x0, a1);
      a1 = v.lanewise(VectorOperators.LSHR, 12).reinterpretAsFloats().fma(x1, a1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).reinterpretAsFloats().add(t2).fma(x0, a2);
      a2 = v.lanewise(VectorOperators.LSHR, 20).reinterpretAsFloats().fma(x1, a2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).reinterpretAsFloats().add(t3).fma(x0, a3);
      a3 = v.lanewise(VectorOperators.LSHR, 28).reinterpretAsFloats().fma(x1, a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  private static final VectorShuffle<Float> B0 = VectorShuffle.iota(F, 0, 0, false);
  private static final VectorShuffle<Float> B1 = VectorShuffle.iota(F, 1, 0, false);
  private static final VectorShuffle<Float> B2 = VectorShuffle.iota(F, 2, 0, false);
  private static final VectorShuffle<Float> B3 = VectorShuffle.iota(F, 3, 0, false);

  /** The engine's loop with the four scales taken by one vector load and lane broadcasts. */
  static void vScale(MemorySegment w, int blocks, long o, float[] x, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
      FloatVector d = FloatVector.fromMemorySegment(F, w, c, LE);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector t0 = NIBBLE_VALUES.mul(d.rearrange(B0)).reinterpretAsInts();
      IntVector t1 = NIBBLE_VALUES.mul(d.rearrange(B1)).reinterpretAsInts();
      IntVector t2 = NIBBLE_VALUES.mul(d.rearrange(B2)).reinterpretAsInts();
      IntVector t3 = NIBBLE_VALUES.mul(d.rearrange(B3)).reinterpretAsInts();
      a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
      a0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
      a1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
      a2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
      a3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }

  /** The engine's loop over two cells per iteration (blocks even), eight accumulators. */
  static void unroll2(MemorySegment w, int blocks, long o, float[] x, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector h0 = a0;
    FloatVector h1 = a0;
    FloatVector h2 = a0;
    FloatVector h3 = a0;
    for (int b = 0; b < blocks; b += 2) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
      FloatVector y0 = FloatVector.fromArray(F, x, 32 * b + 32);
      FloatVector y1 = FloatVector.fromArray(F, x, 32 * b + 48);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector u = IntVector.fromMemorySegment(I, w, c + 96, LE);
      IntVector t0 = NIBBLE_VALUES.mul(w.get(FLOAT, c)).reinterpretAsInts();
      IntVector t1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector t2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector t3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
      IntVector s0 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 80)).reinterpretAsInts();
      IntVector s1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 84)).reinterpretAsInts();
      IntVector s2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 88)).reinterpretAsInts();
      IntVector s3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 92)).reinterpretAsInts();
      a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
      a0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
      a1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
      a2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
      a3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
      h0 = u.selectFrom(s0).reinterpretAsFloats().fma(y0, h0);
      h0 = u.lanewise(VectorOperators.LSHR, 4).selectFrom(s0).reinterpretAsFloats().fma(y1, h0);
      h1 = u.lanewise(VectorOperators.LSHR, 8).selectFrom(s1).reinterpretAsFloats().fma(y0, h1);
      h1 = u.lanewise(VectorOperators.LSHR, 12).selectFrom(s1).reinterpretAsFloats().fma(y1, h1);
      h2 = u.lanewise(VectorOperators.LSHR, 16).selectFrom(s2).reinterpretAsFloats().fma(y0, h2);
      h2 = u.lanewise(VectorOperators.LSHR, 20).selectFrom(s2).reinterpretAsFloats().fma(y1, h2);
      h3 = u.lanewise(VectorOperators.LSHR, 24).selectFrom(s3).reinterpretAsFloats().fma(y0, h3);
      h3 = u.lanewise(VectorOperators.LSHR, 28).selectFrom(s3).reinterpretAsFloats().fma(y1, h3);
    }
    out[at] = a0.add(h0).reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.add(h1).reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.add(h2).reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.add(h3).reduceLanes(VectorOperators.ADD);
  }

  /** The engine's loop over blocks {@code [b0, b1)} of one group, added to {@code out} or not. */
  static void range(
      MemorySegment w, long o, int b0, int b1, float[] x, float[] out, int at, boolean add) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = b0; b < b1; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector t0 = NIBBLE_VALUES.mul(w.get(FLOAT, c)).reinterpretAsInts();
      IntVector t1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector t2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector t3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
      a0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
      a1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
      a2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
      a3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
    }
    float p0 = a0.reduceLanes(VectorOperators.ADD);
    float p1 = a1.reduceLanes(VectorOperators.ADD);
    float p2 = a2.reduceLanes(VectorOperators.ADD);
    float p3 = a3.reduceLanes(VectorOperators.ADD);
    out[at] = add ? out[at] + p0 : p0;
    out[at + 1] = add ? out[at + 1] + p1 : p1;
    out[at + 2] = add ? out[at + 2] + p2 : p2;
    out[at + 3] = add ? out[at + 3] + p3 : p3;
  }

  /** Wrong on purpose: the engine's loop reading x only from its first 2048 values. */
  static void smallX(MemorySegment w, int blocks, long o, float[] x, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      int xb = 32 * (b & 63);
      FloatVector x0 = FloatVector.fromArray(F, x, xb);
      FloatVector x1 = FloatVector.fromArray(F, x, xb + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, LE);
      IntVector t0 = NIBBLE_VALUES.mul(w.get(FLOAT, c)).reinterpretAsInts();
      IntVector t1 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 4)).reinterpretAsInts();
      IntVector t2 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 8)).reinterpretAsInts();
      IntVector t3 = NIBBLE_VALUES.mul(w.get(FLOAT, c + 12)).reinterpretAsInts();
      a0 = v.selectFrom(t0).reinterpretAsFloats().fma(x0, a0);
      a0 = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t0).reinterpretAsFloats().fma(x1, a0);
      a1 = v.lanewise(VectorOperators.LSHR, 8).selectFrom(t1).reinterpretAsFloats().fma(x0, a1);
      a1 = v.lanewise(VectorOperators.LSHR, 12).selectFrom(t1).reinterpretAsFloats().fma(x1, a1);
      a2 = v.lanewise(VectorOperators.LSHR, 16).selectFrom(t2).reinterpretAsFloats().fma(x0, a2);
      a2 = v.lanewise(VectorOperators.LSHR, 20).selectFrom(t2).reinterpretAsFloats().fma(x1, a2);
      a3 = v.lanewise(VectorOperators.LSHR, 24).selectFrom(t3).reinterpretAsFloats().fma(x0, a3);
      a3 = v.lanewise(VectorOperators.LSHR, 28).selectFrom(t3).reinterpretAsFloats().fma(x1, a3);
    }
    out[at] = a0.reduceLanes(VectorOperators.ADD);
    out[at + 1] = a1.reduceLanes(VectorOperators.ADD);
    out[at + 2] = a2.reduceLanes(VectorOperators.ADD);
    out[at + 3] = a3.reduceLanes(VectorOperators.ADD);
  }
}
