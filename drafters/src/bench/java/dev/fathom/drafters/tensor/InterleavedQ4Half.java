package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.LittleEndian.SHORT;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An experiment: the engine's Q4_0 cells with the four scales kept as f16 (72-byte cells, the
 * file's 18 bytes per block) instead of floats (80 bytes), converted per cell. Fewer bytes, more
 * operations: which one bounds a streamed product.
 */
final class InterleavedQ4Half {
  private InterleavedQ4Half() {}

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  /** The 72-byte-cell copy of the 80-byte {@code cells}. */
  static MemorySegment halve(InterleavedRows cells) {
    MemorySegment src = cells.data();
    long n = src.byteSize() / 80;
    MemorySegment dst = WeightMemory.allocate(n * 72);
    for (long i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        dst.set(
            SHORT, 72 * i + 2 * j, Float.floatToFloat16(src.get(FLOAT, 80 * i + 4 * j)));
      }
      MemorySegment.copy(src, 80 * i + 16, dst, 72 * i + 8, 64);
    }
    return dst;
  }

  static void groups(MemorySegment w, int blocks, int from, int to, float[] x, float[] out) {
    long size = 72L * blocks;
    for (int g = from; g < to; g++) {
      q4Half(w, blocks, g * size, x, out, 4 * g);
    }
  }

  static void q4Half(MemorySegment w, int blocks, long o, float[] x, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 72L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 8, LE);
      IntVector t0 = NIBBLE_VALUES.mul(Float.float16ToFloat(w.get(SHORT, c))).reinterpretAsInts();
      IntVector t1 =
          NIBBLE_VALUES.mul(Float.float16ToFloat(w.get(SHORT, c + 2))).reinterpretAsInts();
      IntVector t2 =
          NIBBLE_VALUES.mul(Float.float16ToFloat(w.get(SHORT, c + 4))).reinterpretAsInts();
      IntVector t3 =
          NIBBLE_VALUES.mul(Float.float16ToFloat(w.get(SHORT, c + 6))).reinterpretAsInts();
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
