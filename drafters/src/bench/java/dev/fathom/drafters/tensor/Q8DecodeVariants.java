package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.bytes;

import dev.fathom.drafters.tensor.DecodeVariants.Repacked;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Experimental Q8_0 loops over the layouts of {@link DecodeVariants}; not used by the engine. */
final class Q8DecodeVariants {
  private Q8DecodeVariants() {}

  /** Today's default: {@link TypeKernel#dot2} on row pairs. */
  static void q8Base(MemorySegment w, int rows, int cols, float[] x, float[] out) {
    long rb = 34L * (cols / 32);
    for (int r = 0; r < rows; r += 2) {
      VectorBlockKernels.Q8_0.dot2(w, r * rb, rb, x, 0, cols, out, r);
    }
  }

  /** Repacked, two rows per loop. */
  static void q8Rp2(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.quants();
    float[] sc = p.scales();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 2) {
      long o = (long) r * cols;
      int so = r * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        long at = o + 32L * b;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        FloatVector s = bytes(q, at).mul(x0);
        s = bytes(q, at + 16).fma(x1, s);
        a0 = s.fma(FloatVector.broadcast(F, sc[so + b]), a0);
        FloatVector t = bytes(q, at + cols).mul(x0);
        t = bytes(q, at + cols + 16).fma(x1, t);
        a1 = t.fma(FloatVector.broadcast(F, sc[so + nb + b]), a1);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Interleaved by 4 rows: one stream, 4 chains, {@code x} loaded once per block column. */
  static void q8Il4(Repacked p, int rows, int cols, float[] x, float[] out) {
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
        long at = (cell0 + b) * 128;
        int si = (int) ((cell0 + b) * 4);
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8Cell(q, at, x0, x1, sc[si], a0);
        a1 = q8Cell(q, at + 32, x0, x1, sc[si + 1], a1);
        a2 = q8Cell(q, at + 64, x0, x1, sc[si + 2], a2);
        a3 = q8Cell(q, at + 96, x0, x1, sc[si + 3], a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  private static FloatVector q8Cell(
      MemorySegment q, long at, FloatVector x0, FloatVector x1, float d, FloatVector acc) {
    FloatVector s = bytes(q, at).mul(x0);
    s = bytes(q, at + 16).fma(x1, s);
    return s.fma(FloatVector.broadcast(F, d), acc);
  }

  /** Interleaved by 4 rows with the 4 float scales inline before the quants (144-byte cells). */
  static void q8In4(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inline4();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 4) {
      long cell0 = (long) (r / 4) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 144;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8Cell(q, at + 16, x0, x1, q.get(LittleEndian.FLOAT, at), a0);
        a1 = q8Cell(q, at + 48, x0, x1, q.get(LittleEndian.FLOAT, at + 4), a1);
        a2 = q8Cell(q, at + 80, x0, x1, q.get(LittleEndian.FLOAT, at + 8), a2);
        a3 = q8Cell(q, at + 112, x0, x1, q.get(LittleEndian.FLOAT, at + 12), a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  /** Row-major, groups of 4 blocks with their 4 float scales first (144 bytes), 2 rows. */
  static void q8Rm4(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.rowMajor4();
    int groups = cols / 128;
    long rb = 144L * groups;
    for (int r = 0; r < rows; r += 2) {
      long o0 = r * rb;
      long o1 = o0 + rb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      for (int g = 0; g < groups; g++) {
        long p0 = o0 + 144L * g;
        long p1 = o1 + 144L * g;
        for (int k = 0; k < 4; k++) {
          FloatVector x0 = FloatVector.fromArray(F, x, 128 * g + 32 * k);
          FloatVector x1 = FloatVector.fromArray(F, x, 128 * g + 32 * k + 16);
          a0 = q8Cell(q, p0 + 16 + 32 * k, x0, x1, q.get(LittleEndian.FLOAT, p0 + 4 * k), a0);
          a1 = q8Cell(q, p1 + 16 + 32 * k, x0, x1, q.get(LittleEndian.FLOAT, p1 + 4 * k), a1);
        }
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
    }
  }

  /** 8 rows interleaved, 8 float scales inline (288-byte cells), written out without a helper. */
  static void q8In8(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inline8();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 8) {
      long cell0 = (long) (r / 8) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 288;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        FloatVector s;
        s = bytes(q, at + 32).mul(x0);
        s = bytes(q, at + 48).fma(x1, s);
        a0 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 0)), a0);
        s = bytes(q, at + 64).mul(x0);
        s = bytes(q, at + 80).fma(x1, s);
        a1 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 4)), a1);
        s = bytes(q, at + 96).mul(x0);
        s = bytes(q, at + 112).fma(x1, s);
        a2 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 8)), a2);
        s = bytes(q, at + 128).mul(x0);
        s = bytes(q, at + 144).fma(x1, s);
        a3 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 12)), a3);
        s = bytes(q, at + 160).mul(x0);
        s = bytes(q, at + 176).fma(x1, s);
        a4 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 16)), a4);
        s = bytes(q, at + 192).mul(x0);
        s = bytes(q, at + 208).fma(x1, s);
        a5 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 20)), a5);
        s = bytes(q, at + 224).mul(x0);
        s = bytes(q, at + 240).fma(x1, s);
        a6 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 24)), a6);
        s = bytes(q, at + 256).mul(x0);
        s = bytes(q, at + 272).fma(x1, s);
        a7 = s.fma(FloatVector.broadcast(F, q.get(LittleEndian.FLOAT, at + 28)), a7);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
      out[r + 4] = a4.reduceLanes(VectorOperators.ADD);
      out[r + 5] = a5.reduceLanes(VectorOperators.ADD);
      out[r + 6] = a6.reduceLanes(VectorOperators.ADD);
      out[r + 7] = a7.reduceLanes(VectorOperators.ADD);
    }
  }

  /** As {@link #q8In4}, with a one-byte load {@code d} bytes ahead per cell (a hand prefetch). */
  static void q8In4Touch(Repacked p, int rows, int cols, float[] x, float[] out, int d) {
    MemorySegment q = p.inline4();
    int nb = cols / 32;
    long last = q.byteSize() - 1;
    int t = 0;
    for (int r = 0; r < rows; r += 4) {
      long cell0 = (long) (r / 4) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 144;
        t += q.get(java.lang.foreign.ValueLayout.JAVA_BYTE, Math.min(at + d, last));
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8Cell(q, at + 16, x0, x1, q.get(LittleEndian.FLOAT, at), a0);
        a1 = q8Cell(q, at + 48, x0, x1, q.get(LittleEndian.FLOAT, at + 4), a1);
        a2 = q8Cell(q, at + 80, x0, x1, q.get(LittleEndian.FLOAT, at + 8), a2);
        a3 = q8Cell(q, at + 112, x0, x1, q.get(LittleEndian.FLOAT, at + 12), a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
    sink += t;
  }

  /** As {@link #q8In4}, two row groups (two adjacent streams, 8 chains) per loop. */
  static void q8In4x2(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inline4();
    int nb = cols / 32;
    long gb = 144L * nb;
    for (int r = 0; r < rows; r += 8) {
      long o = (long) (r / 4) * gb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      for (int b = 0; b < nb; b++) {
        long at = o + 144L * b;
        long bt = at + gb;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8Cell(q, at + 16, x0, x1, q.get(LittleEndian.FLOAT, at), a0);
        a1 = q8Cell(q, at + 48, x0, x1, q.get(LittleEndian.FLOAT, at + 4), a1);
        a2 = q8Cell(q, at + 80, x0, x1, q.get(LittleEndian.FLOAT, at + 8), a2);
        a3 = q8Cell(q, at + 112, x0, x1, q.get(LittleEndian.FLOAT, at + 12), a3);
        a4 = q8Cell(q, bt + 16, x0, x1, q.get(LittleEndian.FLOAT, bt), a4);
        a5 = q8Cell(q, bt + 48, x0, x1, q.get(LittleEndian.FLOAT, bt + 4), a5);
        a6 = q8Cell(q, bt + 80, x0, x1, q.get(LittleEndian.FLOAT, bt + 8), a6);
        a7 = q8Cell(q, bt + 112, x0, x1, q.get(LittleEndian.FLOAT, bt + 12), a7);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
      out[r + 4] = a4.reduceLanes(VectorOperators.ADD);
      out[r + 5] = a5.reduceLanes(VectorOperators.ADD);
      out[r + 6] = a6.reduceLanes(VectorOperators.ADD);
      out[r + 7] = a7.reduceLanes(VectorOperators.ADD);
    }
  }

  /** As {@link #q8In4}, two block columns per loop iteration. */
  static void q8In4u2(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inline4();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 4) {
      long cell0 = (long) (r / 4) * nb;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int b = 0; b < nb; b += 2) {
        long at = (cell0 + b) * 144;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        FloatVector x2 = FloatVector.fromArray(F, x, 32 * b + 32);
        FloatVector x3 = FloatVector.fromArray(F, x, 32 * b + 48);
        long bt = at + 144;
        a0 = q8Cell(q, at + 16, x0, x1, q.get(LittleEndian.FLOAT, at), a0);
        a1 = q8Cell(q, at + 48, x0, x1, q.get(LittleEndian.FLOAT, at + 4), a1);
        a2 = q8Cell(q, at + 80, x0, x1, q.get(LittleEndian.FLOAT, at + 8), a2);
        a3 = q8Cell(q, at + 112, x0, x1, q.get(LittleEndian.FLOAT, at + 12), a3);
        a0 = q8Cell(q, bt + 16, x2, x3, q.get(LittleEndian.FLOAT, bt), a0);
        a1 = q8Cell(q, bt + 48, x2, x3, q.get(LittleEndian.FLOAT, bt + 4), a1);
        a2 = q8Cell(q, bt + 80, x2, x3, q.get(LittleEndian.FLOAT, bt + 8), a2);
        a3 = q8Cell(q, bt + 112, x2, x3, q.get(LittleEndian.FLOAT, bt + 12), a3);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
      out[r + 2] = a2.reduceLanes(VectorOperators.ADD);
      out[r + 3] = a3.reduceLanes(VectorOperators.ADD);
    }
  }

  static int sink;
}
