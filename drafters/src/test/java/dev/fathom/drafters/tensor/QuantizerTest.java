package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.gguf.GgmlType;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuantizerTest {

  /** Largest relative gap between a float and its f16 rounding: half an f16 ulp, 2^-11. */
  private static final double F16_REL = 0x1p-11;

  private static float[] normal(int n, long seed, float std) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian() * std;
    }
    return x;
  }

  @Test
  void q8_0OfZeroToThirtyOneIsTheHandComputedBlock() {
    float[] x = new float[32];
    for (int i = 0; i < 32; i++) {
      x[i] = i;
    }
    byte[] b = Quantizer.quantize(GgmlType.Q8_0, x);
    assertEquals(34, b.length);
    float d = 31f / 127;
    assertEquals(Float.floatToFloat16(d), (short) ((b[0] & 0xFF) | (b[1] << 8)));
    for (int i = 0; i < 32; i++) {
      // round(i * 127 / 31), halves away from zero; i=1 gives 4.097 → 4, i=31 gives 127
      assertEquals(Math.round(i / d), b[2 + i], "q[" + i + "]");
    }
    assertEquals(4, b[3]);
    assertEquals(127, b[33]);
  }

  @Test
  void q8_0RoundsHalvesAwayFromZeroLikeRoundf() {
    assertEquals(3, Quantizer.roundf(2.5f));
    assertEquals(-3, Quantizer.roundf(-2.5f));
    assertEquals(0, Quantizer.roundf(0.49999997f));
    assertEquals(-1, Quantizer.roundf(-0.5f));
  }

  @Test
  void q4_0OfMinusEightToSevenIsTheHandComputedBlock() {
    float[] x = new float[32];
    for (int j = 0; j < 16; j++) {
      x[j] = j - 8;
      x[j + 16] = j - 8;
    }
    byte[] b = Quantizer.quantize(GgmlType.Q4_0, x);
    // the largest magnitude is -8, so d = -8 / -8 = 1 (f16 0x3C00) and nibble = x + 8
    assertEquals(0x00, b[0] & 0xFF);
    assertEquals(0x3C, b[1] & 0xFF);
    for (int j = 0; j < 16; j++) {
      assertEquals(j | (j << 4), b[2 + j] & 0xFF, "qs[" + j + "]");
    }
    assertArrayEquals(x, Dequantizer.dequantize(GgmlType.Q4_0, b));
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
  void zerosStayZerosAndSizesMatchTheLayout(GgmlType type) {
    float[] x = new float[512];
    byte[] b = Quantizer.quantize(type, x);
    assertEquals(type.byteSize(512), b.length);
    // Q4_0 stores zero as nibble 8 (offset binary) and d = 0 / -8 = -0.0 (f16 0x8000), as ggml
    // does; every other layout is all zero bytes.
    for (int i = 0; i < b.length; i++) {
      int expected = 0;
      if (type == GgmlType.Q4_0) {
        expected = i % 18 >= 2 ? 0x88 : i % 18 == 1 ? 0x80 : 0;
      }
      assertEquals((byte) expected, b[i], type + " byte " + i);
    }
    // -0.0 is fine (Q6_K gives d·sc·(0 − 32) with d = 0)
    assertArrayEquals(x, Dequantizer.dequantize(type, b), 0f);
  }

  @Test
  void f16AndBf16RoundToNearestEven() {
    // 1 + 2^-11 lies halfway between 1 and the next half; the tie goes to the even one, 1.
    assertEquals(1.0f, roundTrip(GgmlType.F16, 1 + 0x1p-11f));
    assertEquals(1 + 0x1p-9f, roundTrip(GgmlType.F16, 1 + 3 * 0x1p-11f));
    // bf16 keeps the top 16 bits of a float: 0x3F808000 is a tie that goes down to 0x3F80.
    assertEquals(
        Float.intBitsToFloat(0x3F800000),
        roundTrip(GgmlType.BF16, Float.intBitsToFloat(0x3F808000)));
    assertEquals(
        Float.intBitsToFloat(0x3F820000),
        roundTrip(GgmlType.BF16, Float.intBitsToFloat(0x3F818000)));
    assertTrue(Float.isNaN(roundTrip(GgmlType.BF16, Float.NaN)));
    assertEquals(Float.POSITIVE_INFINITY, roundTrip(GgmlType.BF16, Float.POSITIVE_INFINITY));
  }

  private static float roundTrip(GgmlType type, float v) {
    return Dequantizer.dequantize(type, Quantizer.quantize(type, new float[] {v}))[0];
  }

  @Test
  void floatTypesRoundTripWithinHalfAnUlp() {
    float[] x = normal(4096, 1, 1f);
    assertArrayEquals(x, Dequantizer.dequantize(GgmlType.F32, Quantizer.quantize(GgmlType.F32, x)));
    float[] h = Dequantizer.dequantize(GgmlType.F16, Quantizer.quantize(GgmlType.F16, x));
    float[] b = Dequantizer.dequantize(GgmlType.BF16, Quantizer.quantize(GgmlType.BF16, x));
    for (int i = 0; i < x.length; i++) {
      // f16 has 10 fraction bits, bf16 7; values below 2^-14 are f16 subnormals (step 2^-24).
      assertEquals(x[i], h[i], Math.abs(x[i]) * F16_REL + 0x1p-25, "f16 " + i);
      assertEquals(x[i], b[i], Math.abs(x[i]) * 0x1p-8, "bf16 " + i);
    }
  }

  /**
   * Q8_0: d = amax/127 and q = round(x/d), so |x − q·d| ≤ d/2; storing d as f16 moves q·d by at
   * most 127·d·2^-11 = 0.062·d. Bound: 0.563·amax/127 per block.
   */
  @Test
  void q8_0ErrorIsWithinHalfAStepPerBlock() {
    float[] x = normal(32 * 1000, 2, 0.02f);
    float[] y = Dequantizer.dequantize(GgmlType.Q8_0, Quantizer.quantize(GgmlType.Q8_0, x));
    for (int b = 0; b < x.length / 32; b++) {
      float amax = amax(x, 32 * b, 32);
      double bound = amax / 127 * (0.5 + 127 * F16_REL) + 1e-9;
      for (int j = 32 * b; j < 32 * b + 32; j++) {
        assertEquals(x[j], y[j], bound, "element " + j);
      }
    }
  }

  /**
   * Q4_0: d = m/−8 (m the value of largest magnitude), nibble = trunc(x/d + 8.5) capped at 15, so
   * values with x/d ≤ 7.5 are within d/2 and the cap costs at most one step at the other end: |x −
   * x̂| ≤ |d| (plus f16 rounding of d times 8). Most values are within half a step, so the RMS
   * error stays below |d|/√12 · 1.2.
   */
  @Test
  void q4_0ErrorIsWithinOneStepPerBlock() {
    float[] x = normal(32 * 1000, 3, 1f);
    float[] y = Dequantizer.dequantize(GgmlType.Q4_0, Quantizer.quantize(GgmlType.Q4_0, x));
    double sq = 0;
    double dsq = 0;
    for (int b = 0; b < x.length / 32; b++) {
      double d = amax(x, 32 * b, 32) / 8.0;
      for (int j = 32 * b; j < 32 * b + 32; j++) {
        assertEquals(x[j], y[j], d * (1 + 8 * F16_REL) + 1e-9, "element " + j);
        sq += (x[j] - y[j]) * (x[j] - y[j]);
        dsq += d * d;
      }
    }
    assertTrue(Math.sqrt(sq / dsq) < 1.2 / Math.sqrt(12), "rms/step " + Math.sqrt(sq / dsq));
  }

  /**
   * K-quants with a min (Q4_K, Q5_K): each sub-block of 32 is x ≈ d·sc·q − dmin·m with q in [0,
   * nmax]; the least-squares fit may shrink the scale a little below (max−min)/nmax and the 6-bit
   * scale/min codes round it again, so an element can land up to about one step from its value,
   * never more than 1.5 steps with step = (max−min)/nmax of its sub-block. The RMS error is near a
   * uniform quantiser's step/√12.
   */
  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"Q4_K", "Q5_K"})
  void kQuantsWithMinsStayWithinAStepOfEachSubBlock(GgmlType type) {
    int nmax = type == GgmlType.Q4_K ? 15 : 31;
    float[] x = normal(256 * 200, 4, 0.02f);
    float[] y = Dequantizer.dequantize(type, Quantizer.quantize(type, x));
    double sq = 0;
    double stepSq = 0;
    for (int s = 0; s < x.length / 32; s++) {
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (int j = 32 * s; j < 32 * s + 32; j++) {
        min = Math.min(min, x[j]);
        max = Math.max(max, x[j]);
      }
      double step = (max - Math.min(0, min)) / nmax;
      for (int j = 32 * s; j < 32 * s + 32; j++) {
        assertEquals(x[j], y[j], 1.5 * step, type + " element " + j);
        sq += (x[j] - y[j]) * (x[j] - y[j]);
        stepSq += step * step;
      }
    }
    double rel = Math.sqrt(sq / stepSq);
    assertTrue(rel < 0.4, type + " rms/step " + rel);
  }

  /**
   * Q6_K: symmetric 6-bit levels per sub-block of 16 with step ≈ amax/32 (make_qx_quants may widen
   * it by up to 9/32 while refining) and an 8-bit sub-block scale relative to the block's largest:
   * within 1.5 steps of amax/32 per sub-block, RMS near step/√12.
   */
  @Test
  void q6KStaysWithinAStepOfEachSubBlock() {
    float[] x = normal(256 * 200, 5, 1f);
    float[] y = Dequantizer.dequantize(GgmlType.Q6_K, Quantizer.quantize(GgmlType.Q6_K, x));
    double sq = 0;
    double stepSq = 0;
    for (int s = 0; s < x.length / 16; s++) {
      double step = amax(x, 16 * s, 16) / 32.0;
      for (int j = 16 * s; j < 16 * s + 16; j++) {
        assertEquals(x[j], y[j], 1.5 * step, "element " + j);
        sq += (x[j] - y[j]) * (x[j] - y[j]);
        stepSq += step * step;
      }
    }
    double rel = Math.sqrt(sq / stepSq);
    assertTrue(rel < 0.4, "rms/step " + rel);
  }

  @Test
  void aConstantBlockSurvivesQ4K() {
    float[] x = new float[256];
    java.util.Arrays.fill(x, 1.0f);
    float[] y = Dequantizer.dequantize(GgmlType.Q4_K, Quantizer.quantize(GgmlType.Q4_K, x));
    for (float v : y) {
      assertEquals(1.0f, v, 1e-3f);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = GgmlType.class,
      names = {"F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
  void parallelRowsGiveTheSameBytesAsOneThread(GgmlType type) {
    int cols = 512;
    float[] x = normal(cols * 300, 6, 0.5f);
    byte[] rows = Quantizer.quantizeRows(type, x, cols);
    byte[] serial = new byte[rows.length];
    Quantizer.quantize(type, x, 0, x.length, serial, 0);
    assertArrayEquals(serial, rows);
  }

  @Test
  void badArgumentsAreNamed() {
    UnsupportedOperationException u =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Quantizer.quantize(GgmlType.Q2_K, new float[256]));
    assertTrue(u.getMessage().contains("Q2_K"), u.getMessage());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Quantizer.quantize(GgmlType.Q8_0, new float[33]));
    assertTrue(e.getMessage().contains("33"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Quantizer.quantizeRows(GgmlType.Q4_K, new float[512], 128));
    assertTrue(e.getMessage().contains("128"), e.getMessage());
  }

  private static float amax(float[] x, int off, int n) {
    float a = 0;
    for (int i = off; i < off + n; i++) {
      a = Math.max(a, Math.abs(x[i]));
    }
    return a;
  }
}
