package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.bytes;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q8_0 or Q4_0 matrix copied at load into cells of four rows, and the Vector API kernel over
 * them, in the spirit of llama.cpp's {@code block_q8_0x4}/{@code block_q4_0x4} repacking. A cell
 * holds one 32-column block of four consecutive rows: their four scales as floats (16 bytes), then
 * the four rows' quants (4 × 32 bytes for Q8_0, 4 × 16 for Q4_0, byte-transposed so that the 64
 * bytes are one int vector): 144 or 80 bytes, 16-byte aligned loads throughout. A matrix–vector
 * product walks the cells of a row group in order, so one thread reads <em>one</em> sequential
 * stream with four independent accumulator chains and loads each slice of {@code x} once for four
 * rows, with no f16 conversion per block (Q8_0 walks two groups half the range apart in one loop,
 * two such streams; see {@link #TWO_STREAMS_PROPERTY}). Q4_0's nibbles become dequantised weights
 * {@code (q − 8)·d} through a 16-entry table lookup ({@code vpermd}) in a table scaled by the row's
 * {@code d}, instead of a mask, a subtraction, a conversion and a multiply-add with the scale.
 *
 * <p>Why: with one thread the file layout's product cost about its in-cache arithmetic plus the
 * bare read time (docs/performance.md, "One-thread decode"). In {@code DecodeVariantSpeed} (one
 * thread, loaded machine) this layout took 0.70–0.75 of the row-pair kernel's CPU per streamed Q8_0
 * weight and 0.70 in cache, where the same cells read as separate streams (quants of two rows,
 * scales in an array) gained nothing streamed; one-thread decode took 0.67 (Q8_0) and 0.69 (Q4_0)
 * of the CPU per token.
 *
 * <p>Row {@code r} is addressed, for {@link TypeKernel#dequantize} and {@link TypeKernel#dot}, by
 * the <em>virtual</em> offset {@code r · rowBytes() + (cellBytes / 4) · block}: the batched product
 * and row lookups then work unchanged. Every stored value is the file's: dequantised rows equal the
 * scalar reference bit for bit, and each Q8_0 row's product sums in the order of {@link
 * VectorBlockKernels} (Q4_0's multiplies by the scale first). Only 512-bit vectors and row counts
 * divisible by 4 are interleaved.
 */
final class InterleavedRows implements TypeKernel {
  /** {@code -Dfathom.engine.interleave=false} keeps the file's layout for Q8_0 and Q4_0. */
  static final String PROPERTY = "fathom.engine.interleave";

  /**
   * {@code -Dfathom.engine.two-streams=false} (default {@code true}) walks Q8_0 row groups one at a
   * time instead of in pairs half the range apart (two streams per thread), and interleaves
   * straight from the mapped file instead of a native copy. Two streams took 0.79–0.89 of the
   * one-stream CPU over a real file in each of 18 JVMs (docs/performance.md, "One-thread decode: a
   * C2-stable two-stream loop").
   */
  static final String TWO_STREAMS_PROPERTY = "fathom.engine.two-streams";

  private static final boolean TWO_STREAMS = EngineSwitch.read(TWO_STREAMS_PROPERTY, true);

  /**
   * {@code -Dfathom.engine.chunk-columns=N} (default 2048, a positive multiple of 32; {@code 0}
   * stores every row group whole): matrices more than 1.5 × N columns wide are stored in column
   * chunks of N, so that a product reads the slice of {@code x} it multiplies (8 KiB for N = 2048)
   * from the L1 cache. With whole rows 5,632 columns wide, {@code x} (22 KiB) was evicted by the
   * streamed cells and the Q4_0 product took 1.65 times as long per weight as with rows 2,048 wide;
   * with 11,264 columns, 2.9 times (docs/performance.md, "Wide rows").
   */
  static final String CHUNK_PROPERTY = "fathom.engine.chunk-columns";

  private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

  private static final FloatVector NIBBLE_VALUES =
      FloatVector.fromArray(
          F, new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

  private final boolean q8;
  private final int blocks;
  private final int cellBytes;
  private final MemorySegment data;

  /** Row groups: rows / 4. */
  private final int groupCount;

  /**
   * Blocks per column chunk ({@link #CHUNK_PROPERTY}); {@code blocks} when rows are stored whole.
   * Chunk {@code k} holds blocks {@code [k·chunkBlocks, ..)} of every group, group after group, and
   * starts at cell {@code k · chunkBlocks · groupCount}.
   */
  private final int chunkBlocks;

  private InterleavedRows(boolean q8, int rows, int cols, MemorySegment data, int chunkBlocks) {
    this.q8 = q8;
    this.blocks = cols / 32;
    this.cellBytes = q8 ? 144 : 80;
    this.data = data;
    this.groupCount = rows / 4;
    this.chunkBlocks = chunkBlocks;
  }

  static boolean enabled() {
    return EngineSwitch.read(PROPERTY, true);
  }

  /** Blocks per column chunk for rows of {@code blocks} blocks, under {@link #CHUNK_PROPERTY}. */
  static int chunkBlocks(int blocks) {
    String value = System.getProperty(CHUNK_PROPERTY, "2048");
    int columns;
    try {
      columns = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      columns = -1;
    }
    if (columns < 0 || columns % 32 != 0) {
      throw new IllegalArgumentException(
          "-D" + CHUNK_PROPERTY + "=" + value + ": must be 0 or a positive multiple of 32");
    }
    int chunk = columns / 32;
    return chunk == 0 || 2 * blocks <= 3 * chunk ? blocks : chunk;
  }

  /**
   * The interleaved copy of the {@code rows x cols} matrix of {@code type} in {@code data} (its
   * ggml layout), built on {@code parallel}; null when the type, the row count or the vector width
   * does not take this layout. Mapped pages of {@code data} are released afterwards.
   */
  static InterleavedRows of(
      GgmlType type, MemorySegment data, int rows, int cols, Parallel parallel) {
    if ((type != GgmlType.Q8_0 && type != GgmlType.Q4_0) || rows % 4 != 0 || VectorShapes.L != 16) {
      return null;
    }
    boolean q8 = type == GgmlType.Q8_0;
    int nb = cols / 32;
    MemorySegment copy = WeightMemory.allocate((long) rows / 4 * nb * (q8 ? 144 : 80));
    InterleavedRows cells = new InterleavedRows(q8, rows, cols, copy, chunkBlocks(nb));
    // shared: the pool's threads read it
    try (Arena staging = Arena.ofShared()) {
      cells.fill(TWO_STREAMS ? nativeCopy(data, staging) : data, parallel);
    }
    if (data.isMapped()) {
      data.unload();
    }
    return cells;
  }

  /**
   * {@code data} itself when it is native memory, else a native copy of it in {@code staging}. The
   * copy is one bulk transfer; it exists so that the Vector API and segment accesses below never
   * see a mapped segment: reading the mapped file through them gave those shared JDK methods a
   * second receiver class in their profiles, and C2 then compiled the two-stream product loop with
   * checks it otherwise hoists, 0.8–0.9 times the one-stream speed over a real file instead of 1.2
   * times (docs/performance.md).
   */
  private static MemorySegment nativeCopy(MemorySegment data, Arena staging) {
    if (!data.isMapped()) {
      return data;
    }
    return staging.allocate(data.byteSize(), 64).copyFrom(data);
  }

  private void fill(MemorySegment data, Parallel parallel) {
    MemorySegment copy = this.data;
    int nb = blocks;
    int src = q8 ? 34 : 18;
    VectorSpecies<Byte> species = q8 ? ByteVector.SPECIES_256 : ByteVector.SPECIES_128;
    parallel.forRange(
        0,
        groupCount,
        (from, to) -> {
          for (int g = from; g < to; g++) {
            for (int b = 0; b < nb; b++) {
              long at = cellOffset(g, b);
              for (int j = 0; j < 4; j++) {
                long block = ((4L * g + j) * nb + b) * src;
                copy.set(FLOAT, at + 4L * j, f16(data, block));
                if (q8) {
                  // one vector load and store per block: MemorySegment.copy per 32 bytes costs
                  // more than the bytes
                  ByteVector.fromMemorySegment(species, data, block + 2, VectorShapes.LE)
                      .intoMemorySegment(copy, at + 16 + 32L * j, VectorShapes.LE);
                } else {
                  // Q4_0: byte i of row j goes to byte j of int lane i (see q4Group)
                  for (int i = 0; i < 16; i++) {
                    copy.set(BYTE, at + 16 + 4L * i + j, data.get(BYTE, block + 2 + i));
                  }
                }
              }
            }
          }
        });
  }

  /** The copy all products and lookups read. */
  MemorySegment data() {
    return data;
  }

  /** The virtual length of one row: a quarter of a row group's cells. */
  long rowBytes() {
    return (long) blocks * cellBytes / 4;
  }

  /** Products of row groups {@code [from, to)} (rows {@code 4·from ..}) with {@code x}. */
  void groups(MemorySegment w, int from, int to, float[] x, int xOff, float[] out, int outOff) {
    groups(w, from, to, x, xOff, out, outOff, TWO_STREAMS);
  }

  /** {@link #groups}, with Q8_0 groups paired when {@code paired}. */
  void groups(
      MemorySegment w,
      int from,
      int to,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      boolean paired) {
    if (chunkBlocks == blocks) {
      walk(w, 0, blocks, from, to, x, xOff, out, outOff, paired);
      return;
    }
    // chunk after chunk, each over every group; later chunks' sums go through part into out
    float[] part = new float[4 * (to - from)];
    for (int b0 = 0; b0 < blocks; b0 += chunkBlocks) {
      int nb = Math.min(chunkBlocks, blocks - b0);
      long base = (long) b0 * groupCount * cellBytes;
      if (b0 == 0) {
        walk(w, base, nb, from, to, x, xOff, out, outOff, paired);
      } else {
        walk(w, base, nb, from, to, x, xOff + 32 * b0, part, -4 * from, paired);
        for (int i = 0; i < part.length; i++) {
          out[outOff + 4 * from + i] += part[i];
        }
      }
    }
  }

  /**
   * The products of groups {@code [from, to)} over one chunk of {@code nb} blocks per group, whose
   * cells start at {@code base}, into {@code out[outOff + 4·g ..]}.
   */
  private void walk(
      MemorySegment w,
      long base,
      int nb,
      int from,
      int to,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      boolean paired) {
    long size = (long) nb * cellBytes;
    if (!q8) {
      // Q4_0 keeps a loop of its own: a larger compile unit around q4Group let C2 run out of
      // inlining budget in some JVMs (one-thread decode at a fifth of its speed,
      // docs/performance.md)
      for (int g = from; g < to; g++) {
        q4Group(w, base + g * size, nb, x, xOff, out, outOff + 4 * g);
      }
      return;
    }
    if (paired) {
      // groups g and g + h together: two sequential streams per thread, h groups apart
      int h = (to - from) / 2;
      for (int g = from; g < from + h; g++) {
        InterleavedGroups.q8Pair(
            w,
            base + g * size,
            base + (g + h) * size,
            size,
            x,
            xOff,
            out,
            outOff + 4 * g,
            outOff + 4 * (g + h));
      }
      from += 2 * h;
    }
    for (int g = from; g < to; g++) {
      InterleavedGroups.q8(w, base + g * size, size, x, xOff, out, outOff + 4 * g);
    }
  }

  /**
   * Q4_0 cells hold the four rows' 64 nibble bytes as one int vector whose lane {@code i} has byte
   * {@code i} of row {@code j} in its byte {@code j}: one load, and each row's low and high nibbles
   * are a shift away. The 16-entry table is scaled by the row's {@code d}, so a lookup yields the
   * dequantised weight {@code (q − 8)·d} and no multiply-add with the scale remains.
   */
  private static void q4Group(
      MemorySegment w, long o, int blocks, float[] x, int xOff, float[] out, int at) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int b = 0; b < blocks; b++) {
      long c = o + 80L * b;
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      IntVector v = IntVector.fromMemorySegment(I, w, c + 16, VectorShapes.LE);
      // table() and look() written out: Vector API calls only, so nothing here depends on C2
      // inlining an ordinary method (when it does not, the vectors are boxed)
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

  /** The dequantised values {@code (q − 8)·d} of the 16 nibbles, as float bits. */
  private static IntVector table(float d) {
    return NIBBLE_VALUES.mul(d).reinterpretAsInts();
  }

  /** The entry of {@code t} that the low 4 bits of each lane of {@code v} select. */
  private static FloatVector look(IntVector v, IntVector t) {
    return v.selectFrom(t).reinterpretAsFloats();
  }

  /** One row's block: {@code acc + d · Σ q · x}, in {@link VectorBlockKernels}' order. */
  private static FloatVector q8Row(
      MemorySegment w, long q, FloatVector x0, FloatVector x1, float d, FloatVector acc) {
    FloatVector s = bytes(w, q).mul(x0);
    s = bytes(w, q + 16).fma(x1, s);
    return s.fma(FloatVector.broadcast(F, d), acc);
  }

  /** The cell's nibble lanes at {@code q} shifted so that row {@code j}'s byte is lowest. */
  private static IntVector rowBytes(MemorySegment w, long q, int j) {
    IntVector v = IntVector.fromMemorySegment(I, w, q, VectorShapes.LE);
    // constant shift counts: one compiled shift each, whatever j is
    return switch (j) {
      case 0 -> v;
      case 1 -> v.lanewise(VectorOperators.LSHR, 8);
      case 2 -> v.lanewise(VectorOperators.LSHR, 16);
      default -> v.lanewise(VectorOperators.LSHR, 24);
    };
  }

  /** Where group {@code g}'s cell of block {@code b} starts. */
  private long cellOffset(long g, int b) {
    int b0 = b - b % chunkBlocks;
    int nb = Math.min(chunkBlocks, blocks - b0);
    return ((long) b0 * groupCount + g * nb + (b - b0)) * cellBytes;
  }

  @Override
  public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
    long row = o / rowBytes();
    int first = (int) ((o % rowBytes()) / (cellBytes / 4));
    int j = (int) (row % 4);
    FloatVector acc = FloatVector.zero(F);
    long p = cellOffset(row / 4, first);
    int next = first - first % chunkBlocks + chunkBlocks;
    for (int b = 0; b < n / 32; b++, p += cellBytes) {
      if (first + b == next) {
        // the next chunk: its cells follow the other groups' cells of this one
        p = cellOffset(row / 4, next);
        next += chunkBlocks;
      }
      FloatVector x0 = FloatVector.fromArray(F, x, xOff + 32 * b);
      FloatVector x1 = FloatVector.fromArray(F, x, xOff + 32 * b + 16);
      float d = w.get(FLOAT, p + 4L * j);
      if (q8) {
        acc = q8Row(w, p + 16 + 32L * j, x0, x1, d, acc);
      } else {
        IntVector v = rowBytes(w, p + 16, j);
        IntVector t = table(d);
        acc = look(v, t).fma(x0, acc);
        acc = look(v.lanewise(VectorOperators.LSHR, 4), t).fma(x1, acc);
      }
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    long row = o / rowBytes();
    int first = (int) ((o % rowBytes()) / (cellBytes / 4));
    int j = (int) (row % 4);
    long p = cellOffset(row / 4, first);
    int next = first - first % chunkBlocks + chunkBlocks;
    for (int b = 0; b < n / 32; b++, p += cellBytes) {
      if (first + b == next) {
        // the next chunk: its cells follow the other groups' cells of this one
        p = cellOffset(row / 4, next);
        next += chunkBlocks;
      }
      float d = w.get(FLOAT, p + 4L * j);
      int to = dstOff + 32 * b;
      if (q8) {
        bytes(w, p + 16 + 32L * j).mul(d).intoArray(dst, to);
        bytes(w, p + 32 + 32L * j).mul(d).intoArray(dst, to + 16);
      } else {
        IntVector v = rowBytes(w, p + 16, j);
        IntVector t = table(d);
        look(v, t).intoArray(dst, to);
        look(v.lanewise(VectorOperators.LSHR, 4), t).intoArray(dst, to + 16);
      }
    }
  }

  @Override
  public String toString() {
    return (q8 ? "Q8_0" : "Q4_0") + " interleaved by 4 rows";
  }
}
