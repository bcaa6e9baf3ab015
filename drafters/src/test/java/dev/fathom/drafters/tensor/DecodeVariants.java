package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.bytes;
import static dev.fathom.drafters.tensor.VectorShapes.floats;
import static dev.fathom.drafters.tensor.VectorShapes.ints;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Experimental one-thread decode loops for Q8_0 and Q4_0, measured by {@link DecodeVariantSpeed}
 * against the engine's kernels; not used by the engine. Written for 512-bit vectors ({@code L =
 * 16}). Layouts: the file's ({@code 34}- or {@code 18}-byte blocks), "repacked" (quants of a row
 * contiguous, one float scale per block in a separate array) and "interleaved" (4 rows' quants of
 * one block column next to each other: one stream instead of four).
 */
final class DecodeVariants {
  private DecodeVariants() {}

  /** A Q8_0 or Q4_0 matrix copied into the repacked and interleaved layouts. */
  record Repacked(
      MemorySegment quants,
      float[] scales,
      MemorySegment inter,
      float[] interScales,
      MemorySegment inter8,
      float[] inter8Scales,
      MemorySegment inline4,
      MemorySegment rowMajor4,
      MemorySegment wide4,
      MemorySegment inline8) {}

  static Repacked repack(MemorySegment w, int rows, int cols, int blockBytes, boolean huge) {
    int nb = cols / 32;
    int qb = blockBytes - 2;
    MemorySegment q = allocate((long) rows * nb * qb, huge);
    MemorySegment il = allocate((long) rows * nb * qb, huge);
    MemorySegment il8 = allocate((long) rows * nb * qb, huge);
    MemorySegment in4 = allocate((long) rows * nb * (qb + 4), huge);
    MemorySegment rm4 = allocate((long) rows * nb * (qb + 4), huge);
    MemorySegment in8 = allocate((long) rows * nb * (qb + 4), huge);
    MemorySegment wide = qb == 16 ? allocate((long) rows * nb * 20, huge) : null;
    float[] sc = new float[rows * nb];
    float[] isc = new float[rows * nb];
    float[] isc8 = new float[rows * nb];
    for (int r = 0; r < rows; r++) {
      for (int b = 0; b < nb; b++) {
        long src = (long) blockBytes * (r * nb + b);
        MemorySegment.copy(w, src + 2, q, (long) qb * (r * nb + b), qb);
        sc[r * nb + b] = f16(w, src);
        int g = r / 4;
        int j = r % 4;
        long cell = (long) g * nb + b;
        MemorySegment.copy(w, src + 2, il, cell * 4 * qb + (long) j * qb, qb);
        isc[(int) (cell * 4 + j)] = f16(w, src);
        long cell8 = (long) (r / 8) * nb + b;
        MemorySegment.copy(w, src + 2, il8, cell8 * 8 * qb + (long) (r % 8) * qb, qb);
        isc8[(int) (cell8 * 8 + r % 8)] = f16(w, src);
        long at = cell * 4 * (qb + 4);
        in4.set(LittleEndian.FLOAT, at + 4L * j, f16(w, src));
        MemorySegment.copy(w, src + 2, in4, at + 16 + (long) j * qb, qb);
        long rg = ((long) r * nb + b) / 4 * 4 * (qb + 4);
        rm4.set(LittleEndian.FLOAT, rg + 4L * (b % 4), f16(w, src));
        MemorySegment.copy(w, src + 2, rm4, rg + 16 + (long) (b % 4) * qb, qb);
        long at8 = ((long) (r / 8) * nb + b) * 8 * (qb + 4);
        in8.set(LittleEndian.FLOAT, at8 + 4L * (r % 8), f16(w, src));
        MemorySegment.copy(w, src + 2, in8, at8 + 32 + (long) (r % 8) * qb, qb);
        if (wide != null) {
          // int lane i of the cell's 16 ints: nibble 2j = weight i of row j, 2j+1 = weight 16+i
          wide.set(LittleEndian.FLOAT, cell * 80 + 4L * j, f16(w, src));
          for (int i = 0; i < 16; i++) {
            int by = w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, src + 2 + i) & 0xFF;
            long lane = cell * 80 + 16 + 4L * i;
            int bits = wide.get(LittleEndian.INT, lane);
            bits |= (by & 0xF) << (8 * j);
            bits |= (by >>> 4) << (8 * j + 4);
            wide.set(LittleEndian.INT, lane, bits);
          }
        }
      }
    }
    return new Repacked(q, sc, il, isc, il8, isc8, in4, rm4, wide, in8);
  }

  private static final java.lang.invoke.MethodHandle MADVISE =
      java.lang.foreign.Linker.nativeLinker()
          .downcallHandle(
              java.lang.foreign.Linker.nativeLinker().defaultLookup().find("madvise").orElseThrow(),
              java.lang.foreign.FunctionDescriptor.of(
                  java.lang.foreign.ValueLayout.JAVA_INT,
                  java.lang.foreign.ValueLayout.ADDRESS,
                  java.lang.foreign.ValueLayout.JAVA_LONG,
                  java.lang.foreign.ValueLayout.JAVA_INT));

  /** Native memory; with {@code huge}, 2 MiB aligned and advised {@code MADV_HUGEPAGE} (14). */
  static MemorySegment allocate(long bytes, boolean huge) {
    if (!huge) {
      return Arena.ofAuto().allocate(bytes, 64);
    }
    long size = (bytes + (2 << 20) - 1) & -(2L << 20);
    MemorySegment m = Arena.ofAuto().allocate(size, 2 << 20);
    try {
      int rc = (int) MADVISE.invokeExact(m, size, 14);
      rc |= (int) MADVISE.invokeExact(m, size, 25);
      if (rc != 0) {
        throw new IllegalStateException("madvise returned " + rc);
      }
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
    return m.asSlice(0, bytes);
  }

  /** A plain read of every byte (the memory bound of one thread). */
  static float sum(MemorySegment w) {
    var s = jdk.incubator.vector.ByteVector.SPECIES_512;
    jdk.incubator.vector.ByteVector acc = jdk.incubator.vector.ByteVector.zero(s);
    long n = w.byteSize() & ~255L;
    for (long i = 0; i < n; i += 256) {
      acc =
          acc.add(jdk.incubator.vector.ByteVector.fromMemorySegment(s, w, i, VectorShapes.LE))
              .add(jdk.incubator.vector.ByteVector.fromMemorySegment(s, w, i + 64, VectorShapes.LE))
              .add(
                  jdk.incubator.vector.ByteVector.fromMemorySegment(s, w, i + 128, VectorShapes.LE))
              .add(
                  jdk.incubator.vector.ByteVector.fromMemorySegment(
                      s, w, i + 192, VectorShapes.LE));
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

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

  /** Interleaved by 8 rows: one stream of 256 bytes per block column, 8 chains. */
  static void q8Il8(Repacked p, int rows, int cols, float[] x, float[] out) {
    MemorySegment q = p.inter8();
    float[] sc = p.inter8Scales();
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
        long at = (cell0 + b) * 256;
        int si = (int) ((cell0 + b) * 8);
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8Cell(q, at, x0, x1, sc[si], a0);
        a1 = q8Cell(q, at + 32, x0, x1, sc[si + 1], a1);
        a2 = q8Cell(q, at + 64, x0, x1, sc[si + 2], a2);
        a3 = q8Cell(q, at + 96, x0, x1, sc[si + 3], a3);
        a4 = q8Cell(q, at + 128, x0, x1, sc[si + 4], a4);
        a5 = q8Cell(q, at + 160, x0, x1, sc[si + 5], a5);
        a6 = q8Cell(q, at + 192, x0, x1, sc[si + 6], a6);
        a7 = q8Cell(q, at + 224, x0, x1, sc[si + 7], a7);
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

  static int sink;

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

  /** Interleaved by 2 rows (64 bytes per block column: one cache line per step when aligned). */
  static void q8Il2(Repacked p, int rows, int cols, float[] x, float[] out) {
    // the interleaved-by-4 layout read two rows at a time: rows j and j+1 of a group
    MemorySegment q = p.inter();
    float[] sc = p.interScales();
    int nb = cols / 32;
    for (int r = 0; r < rows; r += 2) {
      long cell0 = (long) (r / 4) * nb;
      int j = r % 4;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int b = 0; b < nb; b++) {
        long at = (cell0 + b) * 128 + 32L * j;
        int si = (int) ((cell0 + b) * 4) + j;
        FloatVector x0 = FloatVector.fromArray(F, x, 32 * b);
        FloatVector x1 = FloatVector.fromArray(F, x, 32 * b + 16);
        a0 = q8Cell(q, at, x0, x1, sc[si], a0);
        a1 = q8Cell(q, at + 32, x0, x1, sc[si + 1], a1);
      }
      out[r] = a0.reduceLanes(VectorOperators.ADD);
      out[r + 1] = a1.reduceLanes(VectorOperators.ADD);
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

  static int lanes() {
    return I.length();
  }
}
