package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key transposes of {@link BlockAttention} against an element-by-element copy. */
class BlockAttentionKeysTest {
  @Test
  void bothTransposesCopyEveryKeyElementToItsColumn() {
    int keys = BlockAttention.TRANSPOSED_KEYS;
    for (int[] shape : new int[][] {{64, 256, 0}, {32, 32, 7}, {128, 384, 128}}) {
      int hs = shape[0];
      int stride = shape[1];
      int at = shape[2];
      Random random = new Random(hs * 31L + stride);
      float[] page = new float[at + keys * stride + hs];
      for (int i = 0; i < page.length; i++) {
        page[i] = (float) random.nextGaussian();
      }
      int tPad = 3 * keys;
      int t0 = keys;
      float[] expected = new float[hs * tPad];
      for (int k = 0; k < keys; k++) {
        for (int d = 0; d < hs; d++) {
          expected[d * tPad + t0 + k] = page[at + k * stride + d];
        }
      }
      int[] lanes = new int[keys];
      for (int k = 0; k < keys; k++) {
        lanes[k] = k * stride;
      }
      float[] viaEntry = new float[hs * tPad];
      BlockAttention.transposeKeys(page, at, lanes, hs, viaEntry, tPad, t0);
      assertArrayEquals(expected, viaEntry, "transposeKeys, head size " + hs);
      float[] gathered = new float[hs * tPad];
      BlockAttention.gatherKeys(page, at, lanes, hs, gathered, tPad, t0);
      assertArrayEquals(expected, gathered, "gathering loads, head size " + hs);
      if (keys == 16) {
        float[] tiles = new float[hs * tPad];
        BlockAttention.transpose16(page, at, stride, hs, tiles, tPad, t0);
        assertArrayEquals(expected, tiles, "16 x 16 tiles, head size " + hs);
      }
    }
  }
}
