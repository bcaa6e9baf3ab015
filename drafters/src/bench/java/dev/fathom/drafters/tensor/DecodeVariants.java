package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.bytes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.VectorOperators;

/**
 * Layouts for the experimental one-thread decode loops of {@link Q8DecodeVariants} and {@link
 * Q4DecodeVariants}, measured by {@link DecodeVariantSpeed}; not used by the engine. Written for
 * 512-bit vectors ({@code L = 16}). Layouts: the file's ({@code 34}- or {@code 18}-byte blocks),
 * "repacked" (quants of a row contiguous, one float scale per block in a separate array),
 * "interleaved" (4 rows' quants of one block column next to each other: one stream instead of
 * four), with the scales inline ("inline4", "inline8"), row-major groups of 4 blocks, and Q4_0's
 * one-int-vector cells ("wide4"); optionally on 2 MiB pages.
 */
final class DecodeVariants {
  private DecodeVariants() {}

  /** A Q8_0 or Q4_0 matrix copied into the repacked and interleaved layouts. */
  record Repacked(
      MemorySegment quants,
      float[] scales,
      MemorySegment inter,
      float[] interScales,
      MemorySegment inline4,
      MemorySegment rowMajor4,
      MemorySegment wide4,
      MemorySegment inline8) {}

  static Repacked repack(MemorySegment w, int rows, int cols, int blockBytes, boolean huge) {
    int nb = cols / 32;
    int qb = blockBytes - 2;
    MemorySegment q = allocate((long) rows * nb * qb, huge);
    MemorySegment il = allocate((long) rows * nb * qb, huge);
    MemorySegment in4 = allocate((long) rows * nb * (qb + 4), huge);
    MemorySegment rm4 = allocate((long) rows * nb * (qb + 4), huge);
    MemorySegment in8 = allocate((long) rows * nb * (qb + 4), huge);
    MemorySegment wide = qb == 16 ? allocate((long) rows * nb * 20, huge) : null;
    float[] sc = new float[rows * nb];
    float[] isc = new float[rows * nb];
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
    return new Repacked(q, sc, il, isc, in4, rm4, wide, in8);
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

  static int lanes() {
    return I.length();
  }
}
