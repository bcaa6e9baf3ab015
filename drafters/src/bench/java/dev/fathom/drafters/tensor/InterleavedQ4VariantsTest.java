package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Q4_0 loop variants measured and not adopted (two streams, whole-matrix offsets, eight
 * accumulators; docs/performance.md) against the engine's one-group loop. Bench sources: runs with
 * {@code mvn -B -ntp -o -q -pl drafters -am test -Pkernel-bench -Dtest=InterleavedQ4VariantsTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class InterleavedQ4VariantsTest {
  private static final Parallel ONE = new Parallel(1);

  @AfterAll
  static void closePool() {
    ONE.close();
  }

  @BeforeEach
  void needs512BitVectors() {
    assumeTrue(VectorShapes.L == 16, "interleaving is only used with 512-bit vectors");
  }

  @Test
  void q4LoopFormsSumAsTheEngineLoopBitForBit() {
    int groups = 7;
    int cols = 160;
    long size = cols / 32 * 80L;
    MemorySegment data = RandomWeights.of(GgmlType.Q4_0, 4L * groups * cols, new Random(41));
    InterleavedRows cells = InterleavedRows.of(GgmlType.Q4_0, data, 4 * groups, cols, ONE);
    float[] x = RandomWeights.floats(cols + 32, new Random(42));
    float[] one = new float[4 * groups];
    // the engine's one-group loop, itself checked against the scalar reference
    // (InterleavedRowsTest)
    cells.groups(cells.data(), 0, groups, x, 32, one, 0, false);
    // the experiments (InterleavedQ4Pairs, InterleavedQ4Whole): groups 1 and
    // 5 paired, each form
    float[][] pairs = new float[4][8];
    InterleavedQ4Pairs.q4Pair(cells.data(), size, 5 * size, size, x, 32, pairs[0], 0, 4);
    InterleavedQ4Pairs.q4PairLong(cells.data(), size, 5 * size, size, x, 32, pairs[1], 0, 4);
    InterleavedQ4Whole.q4Whole(cells.data(), size, 5 * size, cols / 32, x, 32, pairs[2], 0, 4);
    InterleavedQ4Whole.q4WholeLong(cells.data(), size, 5 * size, cols / 32, x, 32, pairs[3], 0, 4);
    for (float[] pair : pairs) {
      assertArrayEquals(Arrays.copyOfRange(one, 4, 8), Arrays.copyOfRange(pair, 0, 4));
      assertArrayEquals(Arrays.copyOfRange(one, 20, 24), Arrays.copyOfRange(pair, 4, 8));
    }
    float[] slice = new float[4 * groups];
    for (int g = 0; g < groups; g++) {
      InterleavedQ4Whole.q4Slice(cells.data(), g * size, size, x, 32, slice, 4 * g);
    }
    assertArrayEquals(one, slice);
    // the range walk of InterleavedStepAB -Done=true -Dq4=...: odd and even ranges
    float[] x0 = Arrays.copyOfRange(x, 32, x.length);
    float[] base = new float[4 * groups];
    cells.groups(cells.data(), 0, groups, x0, 0, base, 0, false);
    for (String form : new String[] {"slice", "long", "whole", "wholelong", "one"}) {
      for (int[] range : new int[][] {{0, 7}, {1, 7}, {2, 6}, {3, 4}}) {
        float[] out = new float[4 * groups];
        Arrays.fill(out, Float.NaN);
        InterleavedQ4Pairs.groups(form, cells, range[0], range[1], x0, out);
        for (int r = 0; r < 4 * groups; r++) {
          boolean inside = r >= 4 * range[0] && r < 4 * range[1];
          assertEquals(
              inside ? base[r] : Float.NaN,
              out[r],
              form + ": row " + r + " of " + range[0] + ".." + range[1]);
        }
      }
    }
  }

  @Test
  void q4SplitAccumulatorsSumAsTheEngineLoopWithinRounding() {
    int groups = 3;
    int cols = 2048;
    MemorySegment data = RandomWeights.of(GgmlType.Q4_0, 4L * groups * cols, new Random(51));
    InterleavedRows cells = InterleavedRows.of(GgmlType.Q4_0, data, 4 * groups, cols, ONE);
    float[] x = RandomWeights.floats(cols, new Random(52));
    float[] engine = new float[4 * groups];
    cells.groups(cells.data(), 0, groups, x, 0, engine, 0, false);
    float[] split = new float[4 * groups];
    InterleavedQ4Split.groups(cells, 0, groups, x, split);
    float top = 0;
    for (float v : engine) {
      top = Math.max(top, Math.abs(v));
    }
    // reassociated sums: the project's usual tolerance, 1e-4 of the largest output
    for (int r = 0; r < 4 * groups; r++) {
      assertEquals(engine[r], split[r], 1e-4f * top, "row " + r);
    }
  }
}
