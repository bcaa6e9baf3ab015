package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.FLOAT;
import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.F;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An experiment, not used by the engine: a Q4_K or Q6_K matrix copied into cells of four rows
 * ({@link InterleavedKKernels}), the k-quant counterpart of {@link InterleavedRows}. Each cell
 * holds one super-block of four consecutive rows, the rows' weights in the lane order of the
 * repacked layout ({@link KQuantRepack}) and their super-block scales {@code d} (and Q4_K's {@code
 * −dmin}) as floats. A matrix–vector product prepares its input once ({@link
 * VectorRepackedKernels#prepare}: permuted, with lane sums) and walks each row group's cells in
 * order: one stream and eight (Q4_K) or two-per-row (Q6_K) accumulator chains per thread, each
 * slice of the input loaded once for four rows, no half-to-float conversion per super-block.
 *
 * <p>Why it is not in the engine (docs/performance.md, "Q4_K and Q6_K interleaved by four rows"):
 * in a fresh JVM per layout its in-cache arithmetic took about 0.6 of the one-row repacked kernel's
 * CPU, but streamed from memory it took as long as the repacked kernel (its arithmetic plus the
 * bare read time, where the repacked kernel's streaming is hidden behind its arithmetic), and a
 * one-thread decode step was no faster. In one JVM holding both layouts the repacked kernel ran
 * about 1.5× slower than in a JVM of its own, which made an in-process A/B show a gain that is not
 * there.
 *
 * <p>Row {@code r} is addressed, for {@link #dequantize} and {@link #dot}, by the <em>virtual</em>
 * offset {@code r · rowBytes() + (cellBytes / 4) · block}, so row lookups and batched products
 * (over {@link #laneOrder}, with inputs permuted once) work through the usual {@link TypeKernel}
 * calls. Stored values are the file's: dequantised rows equal the scalar reference bit for bit.
 * Only 512-bit vectors and row counts divisible by 4 take this layout.
 */
final class InterleavedKRows implements TypeKernel {
  private static final ThreadLocal<float[][]> PREPARED =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  /** Per thread: the per-super-block sums between the two passes of a group's product. */
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  /** Below this many weights a product runs on the caller, as in {@link KernelMatrix}. */
  private static final long SERIAL_ELEMENTS = 1 << 15;

  private final boolean q4;
  private final int blocks;
  private final int cellBytes;
  private final MemorySegment data;
  private final VectorRepackedKernels lanes;
  private final TypeKernel laneOrder;

  private InterleavedKRows(boolean q4, int cols, MemorySegment data) {
    this.q4 = q4;
    this.blocks = cols / 256;
    this.cellBytes = q4 ? InterleavedKKernels.Q4_CELL : InterleavedKKernels.Q6_CELL;
    this.data = data;
    this.lanes = q4 ? VectorRepackedKernels.Q4_K : VectorRepackedKernels.Q6_K;
    this.laneOrder = new LaneOrder(this);
  }

  /**
   * The interleaved copy of the {@code rows x cols} matrix of {@code type} in {@code data} (its
   * ggml layout), built on {@code parallel}; null when the type, the row count or the vector width
   * does not take this layout. Mapped pages of {@code data} are released afterwards.
   */
  static InterleavedKRows of(
      GgmlType type, MemorySegment data, int rows, int cols, Parallel parallel) {
    if ((type != GgmlType.Q4_K && type != GgmlType.Q6_K) || rows % 4 != 0 || VectorShapes.L != 16) {
      return null;
    }
    boolean q4 = type == GgmlType.Q4_K;
    VectorRepackedKernels k = q4 ? VectorRepackedKernels.Q4_K : VectorRepackedKernels.Q6_K;
    int nb = cols / 256;
    int cell = q4 ? InterleavedKKernels.Q4_CELL : InterleavedKKernels.Q6_CELL;
    long srcRow = type.byteSize(cols);
    long rep = (long) k.bytesPerBlock() * nb;
    MemorySegment copy = Arena.ofAuto().allocate((long) rows / 4 * nb * cell, 64);
    parallel.forRange(
        0,
        rows / 4,
        (from, to) -> {
          // The four rows repacked one by one (KQuantRepack), then scattered into cells. The
          // scratch is native memory: a heap segment here made the JDK's shared segment-access
          // code see two segment classes, and every vector load of every kernel in the JVM
          // then paid a type check (decode 15-45 % slower in a fresh JVM).
          MemorySegment tmp = Arena.ofAuto().allocate(4 * rep, 64);
          for (int g = from; g < to; g++) {
            for (int j = 0; j < 4; j++) {
              k.repackRow(data, (4L * g + j) * srcRow, tmp, j * rep, cols);
            }
            for (int b = 0; b < nb; b++) {
              long c = ((long) g * nb + b) * cell;
              for (int j = 0; j < 4; j++) {
                long t = j * rep + (long) k.bytesPerBlock() * b;
                if (q4) {
                  copy.set(FLOAT, c + 4L * j, f16(tmp, t));
                  copy.set(FLOAT, c + 16 + 4L * j, -f16(tmp, t + 2));
                  copy16(tmp, t + 4, copy, c + 32 + 16L * j);
                  for (int q = 0; q < 8; q++) {
                    for (int i = 0; i < 16; i++) {
                      // byte i of row j's chunk q goes to byte j of int lane i (q4Quants)
                      copy.set(
                          BYTE,
                          c + 128 + 64L * q + 4L * i + j,
                          tmp.get(BYTE, t + 20 + 16L * q + i));
                    }
                  }
                } else {
                  copy.set(FLOAT, c + 4L * j, f16(tmp, t));
                  copy16(tmp, t + 2, copy, c + 16 + 16L * j);
                  for (int u = 0; u < 4; u++) {
                    for (int h = 0; h < 3; h++) {
                      copy16(
                          tmp,
                          t + 18 + 48L * u + 16L * h,
                          copy,
                          c + 80 + 192L * u + 48L * j + 16L * h);
                    }
                  }
                }
              }
            }
          }
        });
    if (data.isMapped()) {
      data.unload();
    }
    return new InterleavedKRows(q4, cols, copy);
  }

  private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
  private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

  private static void copy16(MemorySegment from, long f, MemorySegment to, long t) {
    ByteVector.fromMemorySegment(B16, from, f, VectorShapes.LE)
        .intoMemorySegment(to, t, VectorShapes.LE);
  }

  /** The copy all products and lookups read. */
  MemorySegment data() {
    return data;
  }

  /** The virtual length of one row: a quarter of a row group's cells. */
  long rowBytes() {
    return (long) blocks * cellBytes / 4;
  }

  /** Products of row groups {@code [from, to)} with the prepared input {@code prep}. */
  void groups(MemorySegment w, int from, int to, float[] prep, float[] out, int outOff) {
    int n = 256 * blocks;
    float[][] holder = SCRATCH.get();
    if (holder[0].length < 64 * blocks) {
      holder[0] = new float[64 * blocks];
    }
    float[] scratch = holder[0];
    for (int g = from; g < to; g++) {
      long o = (long) g * blocks * cellBytes;
      if (q4) {
        InterleavedKKernels.q4Group(w, o, blocks, prep, n, out, outOff + 4 * g, scratch);
      } else {
        InterleavedKKernels.q6Group(w, o, blocks, prep, n, out, outOff + 4 * g, scratch);
      }
    }
  }

  /**
   * The matrix–vector product of all {@code rows} rows: the input prepared once on the caller (one
   * buffer per calling thread, read by the workers only until {@code forRange} returns), then row
   * groups split over {@code parallel}.
   */
  void matvec(
      MemorySegment w, int rows, float[] x, int xOff, float[] out, int outOff, Parallel parallel) {
    int n = 256 * blocks;
    float[][] holder = PREPARED.get();
    if (holder[0].length < VectorRepackedKernels.preparedSize(n)) {
      holder[0] = new float[VectorRepackedKernels.preparedSize(n)];
    }
    float[] prep = lanes.prepare(x, xOff, n, holder[0]);
    if ((long) rows * n <= SERIAL_ELEMENTS) {
      groups(w, 0, rows / 4, prep, out, outOff);
    } else {
      parallel.forRange(0, rows / 4, (from, to) -> groups(w, from, to, prep, out, outOff));
    }
  }

  /** The {@code count} inputs of {@code x} permuted into lane order, for {@link #laneOrder}. */
  float[] permuted(float[] x, int count) {
    int n = 256 * blocks;
    float[] p = new float[count * n];
    for (int j = 0; j < count; j++) {
      lanes.permute(x, j * n, p, j * n, n);
    }
    return p;
  }

  /** This layout's rows as a {@link TypeKernel} in lane order, for batched products. */
  TypeKernel laneOrder() {
    return laneOrder;
  }

  /**
   * The cell of the super-block at virtual offset {@code o} (times 4) plus the row in its group.
   */
  private long cell(long o) {
    long row = o / rowBytes();
    long block = (o % rowBytes()) / (cellBytes / 4);
    return ((row / 4 * blocks + block) * cellBytes) * 4 + row % 4;
  }

  @Override
  public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
    float[] values = new float[n];
    dequantize(w, o, values, 0, n);
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < n; i += F.length()) {
      acc = FloatVector.fromArray(F, values, i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  @Override
  public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
    long c = cell(o);
    int j = (int) (c & 3);
    long at = c >>> 2;
    int[] element = q4 ? KQuantRepack.Q4_K_ELEMENT : KQuantRepack.Q6_K_ELEMENT;
    for (int b = 0; b < n / 256; b++) {
      long p = at + (long) cellBytes * b;
      for (int i = 0; i < 256; i++) {
        dst[dstOff + 256 * b + element[i]] =
            q4 ? InterleavedKKernels.q4Value(w, p, j, i) : InterleavedKKernels.q6Value(w, p, j, i);
      }
    }
  }

  @Override
  public String toString() {
    return (q4 ? "Q4_K" : "Q6_K") + " interleaved by 4 rows";
  }

  /** The rows in lane order: vector dequantisation for the batched product. */
  private record LaneOrder(InterleavedKRows rows) implements TypeKernel {
    @Override
    public float dot(MemorySegment w, long o, float[] x, int xOff, int n) {
      float[] values = new float[n];
      dequantize(w, o, values, 0, n);
      float sum = 0;
      for (int i = 0; i < n; i++) {
        sum += values[i] * x[xOff + i];
      }
      return sum;
    }

    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int dstOff, int n) {
      long c = rows.cell(o);
      int j = (int) (c & 3);
      long at = c >>> 2;
      for (int b = 0; b < n / 256; b++) {
        long p = at + (long) rows.cellBytes * b;
        if (rows.q4) {
          InterleavedKKernels.q4Lanes(w, p, j, dst, dstOff + 256 * b);
        } else {
          InterleavedKKernels.q6Lanes(w, p, j, dst, dstOff + 256 * b);
        }
      }
    }
  }
}
