package dev.fathom.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RopeShiftTest {
  /** RoFormer's rotation of a whole key at {@code pos}, written out independently. */
  private static float[] rotate(float[] x, int pos, int heads, int hs, boolean adjacent) {
    float[] y = x.clone();
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < hs / 2; j++) {
        double a = pos * Math.pow(10000, -2.0 * j / hs);
        int i0 = h * hs + (adjacent ? 2 * j : j);
        int i1 = adjacent ? i0 + 1 : i0 + hs / 2;
        y[i0] = (float) (x[i0] * Math.cos(a) - x[i1] * Math.sin(a));
        y[i1] = (float) (x[i0] * Math.sin(a) + x[i1] * Math.cos(a));
      }
    }
    return y;
  }

  @Test
  void aKeyMovedFromOnePositionToAnotherEqualsOneRotatedThereDirectly() {
    Random r = new Random(7);
    for (boolean adjacent : new boolean[] {true, false}) {
      float[] x = new float[2 * 8];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat() * 2 - 1;
      }
      float[] moved = rotate(x, 300, 2, 8, adjacent);
      float[] buf = new float[moved.length + 5];
      System.arraycopy(moved, 0, buf, 5, moved.length);
      new RopeShift(10000, 1, 2, 8, adjacent).move(buf, 5, 300, 7);
      float[] want = rotate(x, 7, 2, 8, adjacent);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], buf[5 + i], 1e-5, "dim " + i + " adjacent " + adjacent);
      }
    }
  }

  @Test
  void rejectsAnOddHeadSize() {
    assertThrows(IllegalArgumentException.class, () -> new RopeShift(10000, 1, 1, 7, true));
  }
}
