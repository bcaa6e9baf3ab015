package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An input prepared for rows in 16-bit lanes ({@link WordQ4K}, {@link WordQ6K}): permuted into the
 * layout's position order and rounded to 8-bit values {@code q} (held in shorts) with one scale per
 * sub-block of the weights (32 values for Q4_K, 16 for Q6_K: the largest magnitude over 127), and,
 * when the layout has mins, per super-block 16 float sums of the rounded input. Both are stored per
 * super-block as 16 floats in int-lane order ({@code scales}, {@code sums}): int lane {@code i}
 * holds short lanes {@code 2i} and {@code 2i + 1} of the 8 vectors, which lie in sub-block {@code i
 * % 8} (Q4_K) or {@code i} (Q6_K), so a row's kernel multiplies them lane-wise. Scales per
 * sub-block rather than llama.cpp's one per 256 keep one large input value from coarsening the
 * rounding of the other 255 (on TinyLlama the logits moved about a third as far).
 *
 * <p>Prepared once per product and read by every row; each thread reuses its own ({@link
 * #prepared}), which stays valid until that thread prepares the next product.
 */
final class WordInput {
  private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;

  /** Adding and subtracting 1.5 · 2^23 rounds a float below 2^22 to the nearest integer. */
  private static final float ROUND = 12582912f;

  private static final ThreadLocal<WordInput> MINE = ThreadLocal.withInitial(WordInput::new);

  float[] permuted = new float[0];
  short[] q = new short[0];
  float[] scales = new float[0];
  float[] sums = new float[0];
  private final float[] invLow = new float[16];
  private final float[] invHigh = new float[16];
  private final float[] scale = new float[16];

  /** The calling thread's input, prepared from {@code x[xOff .. xOff + n)} for {@code layout}. */
  static WordInput prepared(RepackedLayout layout, float[] x, int xOff, int n) {
    return MINE.get().prepare(layout, x, xOff, n);
  }

  /**
   * Prepares {@code x[xOff .. xOff + n)} for {@code layout}'s rows ({@link WordQ4K} or {@link
   * TiledQ4K}: sub-blocks of 32 and sums; else {@link WordQ6K}: sub-blocks of 16); returns this.
   */
  WordInput prepare(RepackedLayout layout, float[] x, int xOff, int n) {
    boolean q4 = layout == WordQ4K.LAYOUT || layout == TiledQ4K.LAYOUT;
    int blocks = n / 256;
    if (permuted.length < n) {
      permuted = new float[n];
      q = new short[n];
      scales = new float[16 * blocks];
      sums = new float[16 * blocks];
    }
    layout.permute(x, xOff, permuted, 0, n);
    for (int b = 0; b < blocks; b++) {
      int base = 256 * b;
      // lane j of a vector's low half is short lane j, of its high half short lane 16 + j
      FloatVector maxLow = FloatVector.zero(F);
      FloatVector maxHigh = maxLow;
      for (int p = 0; p < 256; p += 32) {
        maxLow = maxLow.max(FloatVector.fromArray(F, permuted, base + p).abs());
        maxHigh = maxHigh.max(FloatVector.fromArray(F, permuted, base + p + 16).abs());
      }
      // sub-block of short lane l: (l / 2) % 8 for Q4_K, l / 2 for Q6_K; int lane i = lanes 2i,
      // 2i+1
      for (int i = 0; i < 16; i++) {
        scale[i] = 0;
      }
      for (int j = 0; j < 16; j++) {
        int s = j / 2;
        scale[s] = Math.max(scale[s], maxLow.lane(j));
        int t = q4 ? j / 2 : 8 + j / 2;
        scale[t] = Math.max(scale[t], maxHigh.lane(j));
      }
      for (int j = 0; j < 16; j++) {
        float amaxLow = scale[j / 2];
        float amaxHigh = scale[q4 ? j / 2 : 8 + j / 2];
        invLow[j] = amaxLow == 0 ? 0 : 127f / amaxLow;
        invHigh[j] = amaxHigh == 0 ? 0 : 127f / amaxHigh;
      }
      for (int i = 0; i < 16; i++) {
        // a NaN or infinite input gives a NaN or infinite scale, so the products show it
        scales[16 * b + i] = scale[q4 ? i % 8 : i] / 127f;
      }
      FloatVector il = FloatVector.fromArray(F, invLow, 0);
      FloatVector ih = FloatVector.fromArray(F, invHigh, 0);
      // the sums are of the rounded input, as llama.cpp's bsums: the mins then meet the same
      // input as the quants, and the rounding's error is Σ w·e, not Σ (d·sc·q)·e (q is 0..15,
      // so d·sc·q is far larger than w = d·sc·q − dmin·m)
      FloatVector low = FloatVector.zero(F);
      FloatVector high = low;
      for (int p = 0; p < 256; p += 32) {
        low = low.add(round(FloatVector.fromArray(F, permuted, base + p), il, base + p));
        high =
            high.add(round(FloatVector.fromArray(F, permuted, base + p + 16), ih, base + p + 16));
      }
      if (q4) {
        for (int i = 0; i < 8; i++) {
          sums[16 * b + i] = (low.lane(2 * i) + low.lane(2 * i + 1)) * scales[16 * b + i];
          sums[16 * b + 8 + i] = (high.lane(2 * i) + high.lane(2 * i + 1)) * scales[16 * b + 8 + i];
        }
      }
    }
    return this;
  }

  /** Stores {@code v · inv} rounded to integers at {@code q[at ..]}; returns them as floats. */
  private FloatVector round(FloatVector v, FloatVector inv, int at) {
    FloatVector r = v.mul(inv).add(ROUND).sub(ROUND);
    r.convertShape(VectorOperators.F2S, S16, 0).reinterpretAsShorts().intoArray(q, at);
    return r;
  }

  /**
   * Row {@code o} of {@code layout} times this input, element by element ({@code Σ w · x̂}, the
   * weights in lane order): what the 16-bit kernels compute, for segments they do not take.
   */
  float referenceDot(RepackedLayout layout, MemorySegment w, long o, int n) {
    float[] values = new float[n];
    layout.laneOrder().dequantize(w, o, values, 0, n);
    float sum = 0;
    for (int b = 0; b < n / 256; b++) {
      for (int p = 0; p < 256; p++) {
        int i = 256 * b + p;
        sum += values[i] * (q[i] * scales[16 * b + p % 32 / 2]);
      }
    }
    return sum;
  }
}
