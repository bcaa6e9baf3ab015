package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import dev.fathom.drafters.tensor.DecodeVariants.Repacked;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** Experimental Q4_0 loops over the layouts of {@link DecodeVariants}; not used by the engine. */
final class Q4DecodeVariants {
  private Q4DecodeVariants() {}

  /** Q4_0 interleaved by 4 rows, 4 float scales inline (80-byte cells), table lookup. */
  static void q4In4Perm(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inline4();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 4) {
      long cell0 = (long) (r / 4) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 80;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q4Cell(q, at + 16, x0, x1, q.get(LittleEndian.FLOAT, at), a0);
        a1 = q4Cell(q, at + 32, x0, x1, q.get(LittleEndian.FLOAT, at + 4), a1);
        a2 = q4Cell(q, at + 48, x0, x1, q.get(LittleEndian.FLOAT, at + 8), a2);
        a3 = q4Cell(q, at + 64, x0, x1, q.get(LittleEndian.FLOAT, at + 12), a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Table lookup into the 16-entry table {@code t} (float bits) by the low 4 bits of {@code v}. */
  private static FloatVector look(IntVector v, IntVector t) {
    return v.selectFrom(t).reinterpretAsFloats();
  }

  /** Q4_0 in 80-byte cells, the lookup table scaled by each row's {@code d}: no scale FMA. */
  static void q4In4Tab(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inline4();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 4) {
      long cell0 = (long) (r / 4) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 80;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q4Tab(q, at + 16, x0, x1, q.get(LittleEndian.FLOAT, at), a0);
        a1 = q4Tab(q, at + 32, x0, x1, q.get(LittleEndian.FLOAT, at + 4), a1);
        a2 = q4Tab(q, at + 48, x0, x1, q.get(LittleEndian.FLOAT, at + 8), a2);
        a3 = q4Tab(q, at + 64, x0, x1, q.get(LittleEndian.FLOAT, at + 12), a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  private static FloatVector q4Tab(
      MemorySegment q, long at, FloatVector x0, FloatVector x1, float d, FloatVector acc) {
    IntVector v = ints(q, at);
    IntVector t = NIBBLE_FLOATS.mul(d).reinterpretAsInts();
    acc = look(v, t).fma(x0, acc);
    return look(v.lanewise(VectorOperators.LSHR, 4), t).fma(x1, acc);
  }

  /** Q4_0 in 80-byte cells whose 64 nibble bytes are one int vector: 8 shifts of one load. */
  static void q4Wide(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.wide4();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 4) {
      long cell0 = (long) (r / 4) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 80;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        IntVector v = IntVector.fromMemorySegment(I, q, at + 16, VectorShapes.LE);
        IntVector t0 = NIBBLE_FLOATS.mul(q.get(LittleEndian.FLOAT, at)).reinterpretAsInts();
        IntVector t1 = NIBBLE_FLOATS.mul(q.get(LittleEndian.FLOAT, at + 4)).reinterpretAsInts();
        IntVector t2 = NIBBLE_FLOATS.mul(q.get(LittleEndian.FLOAT, at + 8)).reinterpretAsInts();
        IntVector t3 = NIBBLE_FLOATS.mul(q.get(LittleEndian.FLOAT, at + 12)).reinterpretAsInts();
        a0 = look(v, t0).fma(x0, a0);
        a0 = look(v.lanewise(VectorOperators.LSHR, 4), t0).fma(x1, a0);
        a1 = look(v.lanewise(VectorOperators.LSHR, 8), t1).fma(x0, a1);
        a1 = look(v.lanewise(VectorOperators.LSHR, 12), t1).fma(x1, a1);
        a2 = look(v.lanewise(VectorOperators.LSHR, 16), t2).fma(x0, a2);
        a2 = look(v.lanewise(VectorOperators.LSHR, 20), t2).fma(x1, a2);
        a3 = look(v.lanewise(VectorOperators.LSHR, 24), t3).fma(x0, a3);
        a3 = look(v.lanewise(VectorOperators.LSHR, 28), t3).fma(x1, a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Q4_0 row-major, groups of 4 blocks with float scales first (80 bytes), 1 row, lookup. */
  static void q4Rm4Perm(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.rowMajor4();
    int groups = cols / 128;
    long rb = 80L * groups;
    for (int r = 0; r < rows; r++) {
      long o = r * rb;
      FloatVector a = FloatVector.zero(F);
      for (int g = 0; g < groups; g++) {
        long at = o + 80L * g;
        for (int k = 0; k < 4; k++) {
          FloatVector x0 = FloatVector.fromArray(F, x, 128 * g + 32 * k);
          FloatVector x1 = FloatVector.fromArray(F, x, 128 * g + 32 * k + 16);
          a = q4Cell(q, at + 16 + 16 * k, x0, x1, q.get(LittleEndian.FLOAT, at + 4 * k), a);
        }
      }
      out[r] = a.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Today's Q4_0 default: one row per loop. */
  static void q4Base(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 18L * (cols / 32);
    for (int r = 0; r < rows; r++) {
      out[r] = VectorBlockKernels.Q4_0.dot(w, r * rb, x, 0, cols);
    }
  }

  private static final IntVector NIBBLES =
      FloatVector.fromArray(
              F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0)
          .reinterpretAsInts();

  private static final FloatVector NIBBLE_FLOATS = NIBBLES.reinterpretAsFloats();

  /** {@code q - 8} as floats by a 16-entry table lookup ({@code vpermps}) on the low 4 bits. */
  private static FloatVector nib(IntVector q) {
    return q.selectFrom(NIBBLES).reinterpretAsFloats();
  }

  /** File layout, nibbles to floats by table lookup instead of mask, subtract and convert. */
  static void q4Perm(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    int nb = cols / 32;
    long rb = 18L * nb;
    for (int r = 0; r < rows; r++) {
      long o = r * rb;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        long at = o + 18L * b;
        IntVector q = ints(w, at + 2);
        FloatVector s = nib(q).mul(FloatVector.fromArray(F, x, 32 * b));
        s =
            nib(q.lanewise(VectorOperators.LSHR, 4))
                .fma(FloatVector.fromArray(F, x, 32 * b + 16), s);
        acc = s.fma(FloatVector.broadcast(F, f16(w, at)), acc);
      }
      out[r] = acc.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Repacked (16 nibble bytes per block, float scales), table lookup. */
  static void q4RpPerm(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.quants();
    float[] sc = p.scales();
    int nb = cols / 32;
    for (int r = 0; r < rows; r++) {
      long o = (long) r * nb * 16;
      int so = r * nb;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        IntVector v = ints(q, o + 16L * b);
        FloatVector s = nib(v).mul(FloatVector.fromArray(F, x, 32 * b));
        s =
            nib(v.lanewise(VectorOperators.LSHR, 4))
                .fma(FloatVector.fromArray(F, x, 32 * b + 16), s);
        acc = s.fma(FloatVector.broadcast(F, sc[so + b]), acc);
      }
      out[r] = acc.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Repacked, interleaved by 4 rows, table lookup: one stream of 64 bytes per block column. */
  static void q4Il4Perm(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inter();
    float[] sc = p.interScales();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 4) {
      long cell0 = (long) (r / 4) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 64;
        int si = (int) ((cell0 + b) * 4);
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q4Cell(q, at, x0, x1, sc[si], a0);
        a1 = q4Cell(q, at + 16, x0, x1, sc[si + 1], a1);
        a2 = q4Cell(q, at + 32, x0, x1, sc[si + 2], a2);
        a3 = q4Cell(q, at + 48, x0, x1, sc[si + 3], a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  private static FloatVector q4Cell(
      MemorySegment q, long at, FloatVector x0, FloatVector x1, float d, FloatVector acc) {
    IntVector v = ints(q, at);
    FloatVector s = nib(v).mul(x0);
    s = nib(v.lanewise(VectorOperators.LSHR, 4)).fma(x1, s);
    return s.fma(FloatVector.broadcast(F, d), acc);
  }

  /** Repacked, mask/convert as the engine does, but the {@code -8} folded into per-block sums. */
  static void q4RpSums(Repacked p, int rows, int cols, float[] x, float[] c, float[] out) {
    MemorySegment q = p.quants();
    float[] sc = p.scales();
    int nb = cols / 32;
    for (int r = 0; r < rows; r++) {
      long o = (long) r * nb * 16;
      int so = r * nb;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        IntVector v = ints(q, o + 16L * b);
        FloatVector s =
            floats(v.and(0x0F))
                .fma(FloatVector.fromArray(F, x, 32 * b), FloatVector.fromArray(F, c, 16 * b));
        s =
            floats(v.lanewise(VectorOperators.LSHR, 4).and(0x0F))
                .fma(FloatVector.fromArray(F, x, 32 * b + 16), s);
        acc = s.fma(FloatVector.broadcast(F, sc[so + b]), acc);
      }
      out[r] = acc.reduceLanes(VectorOperators.ADD);
    }
  }

  /** {@code c[16b + i] = -8 (x[32b + i] + x[32b + 16 + i])}: the offset's share of each lane. */
  static void offsets(float[] x, int cols, float[] c) {
    for (int b = 0; b < cols / 32; b++) {
      for (int i = 0; i < 16; i++) {
        c[16 * b + i] = -8 * (x[32 * b + i] + x[32 * b + 16 + i]);
      }
    }
  }
}
