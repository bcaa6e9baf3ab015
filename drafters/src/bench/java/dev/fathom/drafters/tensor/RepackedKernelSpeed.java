package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.B;
import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.I;
import static dev.fathom.drafters.tensor.VectorShapes.L;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * A/B of the repacked Q4_K (or, with a third argument {@code Q6_K}, Q6_K) kernel of {@link
 * VectorRepackedKernels} against variants written here, over every matrix of that type in a file's
 * decode step (repacked as the engine does, streamed from memory), one thread, alternating in one
 * JVM with the order rotating each round; prints the thread's CPU milliseconds per token of each.
 * Not a test. Q4_K variants: {@code four}, the kernel before it moved to two chains (four chains
 * over two 16-byte chunks per step); {@code hdr2}, two chains with the super-block's scales and
 * mins read as one 16-byte load and {@code d, dmin} as one int; {@code c1}, one chain. Q6_K: {@code
 * q6c2}, two chains instead of four. Findings on a loaded machine (2026-12-02): two chains 3–5 %
 * below four; {@code hdr2} as fast until C2 inlined it into this loop, then 3× slower (a small
 * kernel inlined into a large caller can pass C2's inlining node budget and box its vectors); one
 * chain 10 % slower; Q6_K with two chains no different; nibbles turned into floats by {@code
 * selectFrom} a 16-float table (to skip the mask) 15–40 % slower. Run after {@code mvn -pl drafters
 * -am test-compile -Pkernel-bench}:
 *
 * <pre>
 * java @jvm.options -Xmx3g \
 *   -cp drafters/target/classes:drafters/target/test-classes:memory/target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *   dev.fathom.drafters.tensor.RepackedKernelSpeed model.gguf [rounds]
 * </pre>
 */
public final class RepackedKernelSpeed {
  private static final ValueLayout.OfInt HEADER = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
  private static final VectorShuffle<Integer> LOW_TWICE = VectorShuffle.fromOp(I, i -> i % 8);
  private static final VectorShuffle<Integer> HIGH_TWICE = VectorShuffle.fromOp(I, i -> 8 + i % 8);
  private static final String[] Q4_VARIANTS = {"engine", "four", "hdr2", "c1"};

  private static final String[] Q6_VARIANTS = {"engine", "q6c2"};

  private RepackedKernelSpeed() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    GgmlType type = args.length > 2 ? GgmlType.valueOf(args[2]) : GgmlType.Q4_K;
    String[] variants = type == GgmlType.Q4_K ? Q4_VARIANTS : Q6_VARIANTS;
    List<RepackedRows> ms = new ArrayList<>();
    List<int[]> shapes = new ArrayList<>();
    try (GgufFile file = GgufFile.open(path);
        Parallel one = new Parallel(1)) {
      for (GgufTensorInfo t : file.tensors().values()) {
        if (t.type() == type && !t.name().equals("token_embd.weight")) {
          int rows = (int) t.rows();
          int cols = (int) t.columns();
          ms.add(RepackedRows.of(RepackedRows.kernel(t.type()), t.type(), file.data(t), rows, cols, one));
          shapes.add(new int[] {rows, cols});
        }
      }
    }
    int maxCols = shapes.stream().mapToInt(s -> s[1]).max().orElseThrow();
    int maxRows = shapes.stream().mapToInt(s -> s[0]).max().orElseThrow();
    float[] x = RandomWeights.floats(maxCols, new Random(2));
    float[] out = new float[maxRows];
    float[] check = new float[maxRows];
    var thread = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      StringBuilder sb = new StringBuilder("round " + round + ":");
      for (int i = 0; i < variants.length; i++) {
        int v = (i + round) % variants.length;
        long c0 = thread.getCurrentThreadCpuTime();
        double worst = 0;
        for (int m = 0; m < ms.size(); m++) {
          RepackedRows r = ms.get(m);
          int rows = shapes.get(m)[0];
          int cols = shapes.get(m)[1];
          float[] prep = ((VectorRepackedKernels) r.layout()).sums(x, 0, cols);
          MemorySegment w = r.data();
          for (int row = 0; row < rows; row++) {
            long o = row * r.rowBytes();
            out[row] =
                switch (variants[v]) {
                  case "four" -> four(w, o, prep, cols);
                  case "hdr2" -> hdr2(w, o, prep, cols);
                  case "c1" -> c1(w, o, prep, cols);
                  case "q6c2" -> q6c2(w, o, prep, cols);
                  default -> ((VectorRepackedKernels) r.layout()).dot(w, o, prep, 0, prep, cols);
                };
          }
          if (round == 0 && m < 3) {
            for (int row = 0; row < rows; row++) {
              check[row] = ((VectorRepackedKernels) r.layout()).dot(w, row * r.rowBytes(), prep, 0, prep, cols);
              worst =
                  Math.max(worst, Math.abs(check[row] - out[row]) / (1e-3 + Math.abs(check[row])));
            }
          }
        }
        double ms1 = (thread.getCurrentThreadCpuTime() - c0) / 1e6;
        sb.append(String.format(Locale.ROOT, "  %s %.1f", variants[v], ms1));
        if (round == 0) {
          sb.append(String.format(Locale.ROOT, " (max rel diff %.1e)", worst));
        }
      }
      System.out.println(sb);
    }
  }

  private static IntVector uints(MemorySegment w, long offset) {
    return (IntVector)
        ByteVector.fromMemorySegment(B, w, offset, LE)
            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
  }

  private static FloatVector floats(IntVector q) {
    return (FloatVector) q.convert(VectorOperators.I2F, 0);
  }

  /** The engine's Q4_K kernel before the change to two chains: four chains, two chunks a step. */
  static float four(MemorySegment w, long o, float[] prep, int n) {
    int blocks = n / 256;
    FloatVector acc = FloatVector.zero(F);
    FloatVector accMin = acc;
    for (int b = 0; b < blocks; b++) {
      long p = o + (long) KQuantRepack.Q4_K_BYTES * b;
      int xb = 256 * b;
      FloatVector t0 = FloatVector.zero(F);
      FloatVector t1 = t0;
      FloatVector t2 = t0;
      FloatVector t3 = t0;
      for (int k = 0; k < 128 / L; k += 2) {
        IntVector q = uints(w, p + 20 + L * k);
        IntVector r = uints(w, p + 20 + L * k + L);
        int xv = xb + 2 * L * k;
        t0 = floats(q.and(0x0F)).fma(FloatVector.fromArray(F, prep, xv), t0);
        t1 =
            floats(q.lanewise(VectorOperators.LSHR, 4))
                .fma(FloatVector.fromArray(F, prep, xv + L), t1);
        t2 = floats(r.and(0x0F)).fma(FloatVector.fromArray(F, prep, xv + 2 * L), t2);
        t3 =
            floats(r.lanewise(VectorOperators.LSHR, 4))
                .fma(FloatVector.fromArray(F, prep, xv + 3 * L), t3);
      }
      FloatVector scales =
          floats(VectorShapes.ints(w, p + 4).rearrange(LOW_TWICE)).mul(LittleEndian.f16(w, p));
      FloatVector mins =
          floats(VectorShapes.ints(w, p + 4).rearrange(HIGH_TWICE)).mul(LittleEndian.f16(w, p + 2));
      acc = t0.add(t1).add(t2.add(t3)).fma(scales, acc);
      accMin = FloatVector.fromArray(F, prep, n + 16 * b).fma(mins, accMin);
    }
    return acc.sub(accMin).reduceLanes(VectorOperators.ADD);
  }

  /** Two chains, with the header read as one 16-byte load (scales, mins) and one int. */
  static float hdr2(MemorySegment w, long o, float[] prep, int n) {
    int blocks = n / 256;
    FloatVector acc = FloatVector.zero(F);
    FloatVector accMin = acc;
    for (int b = 0; b < blocks; b++) {
      long p = o + (long) KQuantRepack.Q4_K_BYTES * b;
      int xb = 256 * b;
      FloatVector t0 = FloatVector.zero(F);
      FloatVector t1 = t0;
      for (int k = 0; k < 128 / L; k++) {
        IntVector q = uints(w, p + 20 + L * k);
        int xv = xb + 2 * L * k;
        t0 = floats(q.and(0x0F)).fma(FloatVector.fromArray(F, prep, xv), t0);
        t1 =
            floats(q.lanewise(VectorOperators.LSHR, 4))
                .fma(FloatVector.fromArray(F, prep, xv + L), t1);
      }
      IntVector sm = VectorShapes.ints(w, p + 4);
      int h = w.get(HEADER, p);
      FloatVector scales = floats(sm.rearrange(LOW_TWICE)).mul(Float.float16ToFloat((short) h));
      FloatVector mins =
          floats(sm.rearrange(HIGH_TWICE)).mul(Float.float16ToFloat((short) (h >>> 16)));
      acc = t0.add(t1).fma(scales, acc);
      accMin = FloatVector.fromArray(F, prep, n + 16 * b).fma(mins, accMin);
    }
    return acc.sub(accMin).reduceLanes(VectorOperators.ADD);
  }

  /** {@link #hdr2} with one accumulator chain. */
  static float c1(MemorySegment w, long o, float[] prep, int n) {
    int blocks = n / 256;
    FloatVector acc = FloatVector.zero(F);
    FloatVector accMin = acc;
    for (int b = 0; b < blocks; b++) {
      long p = o + (long) KQuantRepack.Q4_K_BYTES * b;
      int xb = 256 * b;
      FloatVector t0 = FloatVector.zero(F);
      for (int k = 0; k < 128 / L; k++) {
        IntVector q = uints(w, p + 20 + L * k);
        int xv = xb + 2 * L * k;
        t0 = floats(q.and(0x0F)).fma(FloatVector.fromArray(F, prep, xv), t0);
        t0 =
            floats(q.lanewise(VectorOperators.LSHR, 4))
                .fma(FloatVector.fromArray(F, prep, xv + L), t0);
      }
      IntVector sm = VectorShapes.ints(w, p + 4);
      int h = w.get(HEADER, p);
      FloatVector scales = floats(sm.rearrange(LOW_TWICE)).mul(Float.float16ToFloat((short) h));
      FloatVector mins =
          floats(sm.rearrange(HIGH_TWICE)).mul(Float.float16ToFloat((short) (h >>> 16)));
      acc = t0.fma(scales, acc);
      accMin = FloatVector.fromArray(F, prep, n + 16 * b).fma(mins, accMin);
    }
    return acc.sub(accMin).reduceLanes(VectorOperators.ADD);
  }

  /** The engine's Q6_K kernel with two accumulator chains. */
  static float q6c2(MemorySegment w, long o, float[] prep, int n) {
    int blocks = n / 256;
    FloatVector acc = FloatVector.zero(F);
    for (int b = 0; b < blocks; b++) {
      long p = o + (long) KQuantRepack.Q6_K_BYTES * b;
      float d = LittleEndian.f16(w, p);
      for (int g = 0; g < 16 / L; g++) {
        FloatVector t0 = FloatVector.zero(F);
        FloatVector t1 = t0;
        for (int u = 4 * g; u < 4 * g + 4; u++) {
          long a = p + 18 + 3L * L * u;
          IntVector qa = uints(w, a);
          IntVector qb = uints(w, a + L);
          IntVector qc = uints(w, a + 2 * L);
          IntVector q3 =
              qa.lanewise(VectorOperators.LSHR, 6)
                  .or(qb.lanewise(VectorOperators.LSHR, 4).and(0x0C))
                  .or(qc.lanewise(VectorOperators.LSHR, 2).and(0x30));
          int xv = 256 * b + 4 * L * u;
          t0 = floats(qa.and(63)).fma(FloatVector.fromArray(F, prep, xv), t0);
          t1 = floats(qb.and(63)).fma(FloatVector.fromArray(F, prep, xv + L), t1);
          t0 = floats(qc.and(63)).fma(FloatVector.fromArray(F, prep, xv + 2 * L), t0);
          t1 = floats(q3).fma(FloatVector.fromArray(F, prep, xv + 3 * L), t1);
        }
        FloatVector scales = floats(VectorShapes.ints(w, p + 2 + L * g)).mul(d);
        acc = t0.add(t1).sub(FloatVector.fromArray(F, prep, n + 16 * b + L * g)).fma(scales, acc);
      }
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }
}
