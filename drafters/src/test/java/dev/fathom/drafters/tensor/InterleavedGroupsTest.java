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

class InterleavedGroupsTest {
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
  void q8LoopSumsAsTheIntCounterLoopDidBitForBit() {
    int groups = 5;
    int cols = 224;
    int blocks = cols / 32;
    MemorySegment data = RandomWeights.of(GgmlType.Q8_0, 4L * groups * cols, new Random(21));
    InterleavedRows cells = InterleavedRows.of(GgmlType.Q8_0, data, 4 * groups, cols, ONE);
    float[] x = RandomWeights.floats(cols + 64, new Random(22));
    float[] before = new float[4 * groups];
    // the loop this one replaced (an int block counter), kept in the test sources for A/B runs
    float[] shifted = Arrays.copyOfRange(x, 64, x.length);
    InterleavedIntLoops.intLoops(cells.data(), true, 0, groups, blocks, shifted, before);
    long size = (long) blocks * 144;
    for (int g = 0; g < groups; g++) {
      float[] out = new float[4 * groups + 2];
      Arrays.fill(out, Float.NaN);
      InterleavedGroups.q8(cells.data(), g * size, size, x, 64, out, 2 + 4 * g);
      assertArrayEquals(
          Arrays.copyOfRange(before, 4 * g, 4 * g + 4),
          Arrays.copyOfRange(out, 2 + 4 * g, 6 + 4 * g),
          "group " + g);
      // nothing outside the group's four outputs is written
      assertEquals(4 * groups - 2, Arrays.stream(box(out)).filter(v -> v.isNaN()).count());
    }
  }

  @Test
  void pairedGroupsSumAsOneGroupAtATimeBitForBit() {
    int groups = 7;
    int cols = 160;
    long size = cols / 32 * 144L;
    MemorySegment data = RandomWeights.of(GgmlType.Q8_0, 4L * groups * cols, new Random(31));
    InterleavedRows cells = InterleavedRows.of(GgmlType.Q8_0, data, 4 * groups, cols, ONE);
    float[] x = RandomWeights.floats(cols + 32, new Random(32));
    float[] one = new float[4 * groups];
    for (int g = 0; g < groups; g++) {
      InterleavedGroups.q8(cells.data(), g * size, size, x, 32, one, 4 * g);
    }
    // odd and even ranges, so that both the pairs and the unpaired last group are checked
    for (int[] range : new int[][] {{0, 7}, {1, 7}, {2, 6}, {3, 4}}) {
      float[] out = new float[4 * groups];
      Arrays.fill(out, Float.NaN);
      cells.groups(cells.data(), range[0], range[1], x, 32, out, 0, true);
      for (int r = 0; r < 4 * groups; r++) {
        boolean inside = r >= 4 * range[0] && r < 4 * range[1];
        assertEquals(
            inside ? one[r] : Float.NaN, out[r], "row " + r + " of " + range[0] + ".." + range[1]);
      }
    }
    float[] pair = new float[8];
    InterleavedGroups.q8Pair(cells.data(), size, 5 * size, size, x, 32, pair, 0, 4);
    assertArrayEquals(Arrays.copyOfRange(one, 4, 8), Arrays.copyOfRange(pair, 0, 4));
    assertArrayEquals(Arrays.copyOfRange(one, 20, 24), Arrays.copyOfRange(pair, 4, 8));
  }

  private static Float[] box(float[] v) {
    Float[] b = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = v[i];
    }
    return b;
  }
}
