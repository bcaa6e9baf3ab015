package dev.fathom.drafters.tensor;

/**
 * ggml's "k-quants" (llama.cpp PR #1684): super-blocks of 256 values in sub-blocks whose scales are
 * themselves quantised. Follows {@code quantize_row_q4_K_ref}, {@code q5_K_ref} and {@code
 * q6_K_ref} of {@code ggml/src/ggml-quants.c} step for step, in float arithmetic in the same order,
 * so that the bytes match ggml's reference quantiser.
 *
 * <p>Layouts ({@code block_q*_K} in {@code ggml-common.h}):
 *
 * <ul>
 *   <li>Q4_K, 144 bytes: {@code f16 d, f16 dmin, u8 scales[12], u8 qs[128]}. Eight sub-blocks of 32
 *       with a 6-bit scale and a 6-bit min each, packed in {@code scales} as {@link #scaleMin};
 *       {@code x = d * sc * q - dmin * m}. {@code qs} holds 64 values per 32 bytes: low nibbles the
 *       first 32, high nibbles the next 32.
 *   <li>Q5_K, 176 bytes: {@code f16 d, f16 dmin, u8 scales[12], u8 qh[32], u8 qs[128]}: Q4_K plus a
 *       fifth bit per value in {@code qh} (bit {@code 2i} for the low nibbles of 64-group {@code
 *       i}, bit {@code 2i+1} for the high ones).
 *   <li>Q6_K, 210 bytes: {@code u8 ql[128], u8 qh[64], i8 scales[16], f16 d}; sixteen sub-blocks of
 *       16 with an 8-bit signed scale; {@code x = d * scale * (q - 32)}, q six bits.
 * </ul>
 *
 * <p>An instance holds scratch arrays, so it is used by one thread at a time.
 */
final class KQuants {
  /** ggml's GROUP_MAX_EPS: groups whose largest magnitude is below this are all zero. */
  private static final float GROUP_MAX_EPS = 1e-15f;

  private final int[] levels = new int[256];
  private final int[] aux = new int[32];
  private final float[] weights = new float[32];
  private final float[] scales = new float[16];
  private final float[] mins = new float[8];
  private final byte[] packed = new byte[12];
  private float theMin; // make_qkx2_quants' second result: minus the sub-block's min
  private short dBits; // the super-block scale of the scales, as f16
  private short dminBits; // and of the mins

  /** quantize_row_q4_K_ref for the 256 values at {@code x[xo]}. */
  void q4K(float[] x, int xo, byte[] y, int yo) {
    scaledBlock(x, xo, 15, -1f, 0.1f, 20);
    System.arraycopy(packed, 0, y, yo + 4, 12);
    putHalves(y, yo);
    for (int j = 0; j < 256; j += 64) {
      for (int l = 0; l < 32; l++) {
        y[yo + 16 + j / 2 + l] = (byte) (levels[j + l] | (levels[j + l + 32] << 4));
      }
    }
  }

  /** quantize_row_q5_K_ref for the 256 values at {@code x[xo]}. */
  void q5K(float[] x, int xo, byte[] y, int yo) {
    scaledBlock(x, xo, 31, -0.5f, 0.1f, 15);
    System.arraycopy(packed, 0, y, yo + 4, 12);
    putHalves(y, yo);
    int qh = yo + 16;
    int ql = yo + 48;
    java.util.Arrays.fill(y, qh, qh + 32, (byte) 0);
    int m1 = 1;
    int m2 = 2;
    for (int n = 0; n < 256; n += 64) {
      for (int j = 0; j < 32; j++) {
        int l1 = levels[n + j];
        if (l1 > 15) {
          l1 -= 16;
          y[qh + j] |= (byte) m1;
        }
        int l2 = levels[n + j + 32];
        if (l2 > 15) {
          l2 -= 16;
          y[qh + j] |= (byte) m2;
        }
        y[ql + n / 2 + j] = (byte) (l1 | (l2 << 4));
      }
      m1 <<= 2;
      m2 <<= 2;
    }
  }

  private void putHalves(byte[] y, int yo) {
    Quantizer.putShort(y, yo, dBits);
    Quantizer.putShort(y, yo + 2, dminBits);
  }

  /**
   * The part Q4_K and Q5_K share: per sub-block of 32, a weighted least-squares scale and min
   * ({@link #makeQkx2}, weights {@code sqrt(mean x^2) + |x|}); both quantised to 6 bits against the
   * block's largest; then every value re-quantised with the scales as stored.
   */
  private void scaledBlock(float[] x, int xo, int nmax, float rmin, float rdelta, int nstep) {
    float maxScale = 0;
    float maxMin = 0;
    for (int j = 0; j < 8; j++) {
      float sumX2 = 0;
      for (int l = 0; l < 32; l++) {
        sumX2 += x[xo + 32 * j + l] * x[xo + 32 * j + l];
      }
      float avX = (float) Math.sqrt(sumX2 / 32);
      for (int l = 0; l < 32; l++) {
        weights[l] = avX + Math.abs(x[xo + 32 * j + l]);
      }
      scales[j] = makeQkx2(32, nmax, x, xo + 32 * j, 32 * j, rmin, rdelta, nstep);
      mins[j] = theMin;
      maxScale = Math.max(maxScale, scales[j]);
      maxMin = Math.max(maxMin, mins[j]);
    }
    float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
    float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
    java.util.Arrays.fill(packed, (byte) 0);
    for (int j = 0; j < 8; j++) {
      // C stores nearest_int into a uint8_t before MIN(63, .): keep the same wrap-around.
      int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
      int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
      if (j < 4) {
        packed[j] = (byte) ls;
        packed[j + 4] = (byte) lm;
      } else {
        packed[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
        packed[j - 4] |= (byte) ((ls >> 4) << 6);
        packed[j] |= (byte) ((lm >> 4) << 6);
      }
    }
    dBits = Float.floatToFloat16(maxScale / 63.f);
    dminBits = Float.floatToFloat16(maxMin / 63.f);
    float d0 = Float.float16ToFloat(dBits);
    float dmin0 = Float.float16ToFloat(dminBits);
    for (int j = 0; j < 8; j++) {
      int sm = scaleMin(packed, j);
      float d = d0 * (sm & 0xFF);
      if (d == 0) {
        continue; // ggml keeps the levels makeQkx2 chose
      }
      float dm = dmin0 * (sm >>> 8);
      for (int ii = 0; ii < 32; ii++) {
        int l = nearestInt((x[xo + 32 * j + ii] + dm) / d);
        levels[32 * j + ii] = Math.max(0, Math.min(nmax, l));
      }
    }
  }

  /**
   * get_scale_min_k4: the 6-bit scale (low byte of the result) and min (next byte) of sub-block
   * {@code j}. Sub-blocks 0-3 use the low six bits of bytes j and j+4; 4-7 take their low four bits
   * from byte j+4 and their top two from the spare top bits of bytes j-4 and j.
   */
  static int scaleMin(byte[] q, int j) {
    int d;
    int m;
    if (j < 4) {
      d = q[j] & 63;
      m = q[j + 4] & 63;
    } else {
      d = (q[j + 4] & 0xF) | (((q[j - 4] & 0xFF) >> 6) << 4);
      m = ((q[j + 4] & 0xFF) >> 4) | (((q[j] & 0xFF) >> 6) << 4);
    }
    return d | (m << 8);
  }

  /** quantize_row_q6_K_ref for the 256 values at {@code x[xo]}. */
  void q6K(float[] x, int xo, byte[] y, int yo) {
    float maxScale = 0;
    float maxAbsScale = 0;
    for (int ib = 0; ib < 16; ib++) {
      float scale = makeQx(16, 32, x, xo + 16 * ib, 16 * ib);
      scales[ib] = scale;
      if (Math.abs(scale) > maxAbsScale) {
        maxAbsScale = Math.abs(scale);
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      java.util.Arrays.fill(y, yo, yo + 210, (byte) 0);
      return;
    }
    float iscale = -128.f / maxScale;
    short dh = Float.floatToFloat16(1 / iscale);
    Quantizer.putShort(y, yo + 208, dh);
    float d0 = Float.float16ToFloat(dh);
    for (int ib = 0; ib < 16; ib++) {
      int sc = Math.min(127, nearestInt(iscale * scales[ib]));
      y[yo + 192 + ib] = (byte) sc;
      float d = d0 * (byte) sc;
      if (d == 0) {
        continue;
      }
      for (int ii = 0; ii < 16; ii++) {
        int l = nearestInt(x[xo + 16 * ib + ii] / d);
        levels[16 * ib + ii] = Math.max(-32, Math.min(31, l)) + 32;
      }
    }
    for (int j = 0; j < 256; j += 128) {
      int ql = yo + j / 2;
      int qh = yo + 128 + j / 4;
      for (int l = 0; l < 32; l++) {
        int q1 = levels[j + l] & 0xF;
        int q2 = levels[j + l + 32] & 0xF;
        int q3 = levels[j + l + 64] & 0xF;
        int q4 = levels[j + l + 96] & 0xF;
        y[ql + l] = (byte) (q1 | (q3 << 4));
        y[ql + l + 32] = (byte) (q2 | (q4 << 4));
        y[qh + l] =
            (byte)
                ((levels[j + l] >> 4)
                    | ((levels[j + l + 32] >> 4) << 2)
                    | ((levels[j + l + 64] >> 4) << 4)
                    | ((levels[j + l + 96] >> 4) << 6));
      }
    }
  }

  /**
   * make_qkx2_quants: fit {@code x ≈ scale * L + min} with L in [0, nmax] and min ≤ 0, minimising
   * the weighted squared error; tries {@code nstep + 1} inverse scales {@code (nmax + rmin + rdelta
   * * is) / (max - min)} and solves the 2x2 normal equations for each. Levels go to {@code
   * levels[lo..]}, -min to {@link #theMin}; returns the scale.
   */
  private float makeQkx2(
      int n, int nmax, float[] x, int xo, int lo, float rmin, float rdelta, int nstep) {
    float min = x[xo];
    float max = x[xo];
    float sumW = weights[0];
    float sumX = sumW * x[xo];
    for (int i = 1; i < n; i++) {
      float xi = x[xo + i];
      if (xi < min) {
        min = xi;
      }
      if (xi > max) {
        max = xi;
      }
      float w = weights[i];
      sumW += w;
      sumX += w * xi;
    }
    if (min > 0) {
      min = 0;
    }
    if (max == min) {
      java.util.Arrays.fill(levels, lo, lo + n, 0);
      theMin = -min;
      return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float bestError = 0;
    for (int i = 0; i < n; i++) {
      int l = nearestInt(iscale * (x[xo + i] - min));
      levels[lo + i] = Math.max(0, Math.min(nmax, l));
      float diff = scale * levels[lo + i] + min - x[xo + i];
      bestError += weights[i] * (diff * diff);
    }
    for (int is = 0; is <= nstep; is++) {
      iscale = (rmin + rdelta * is + nmax) / (max - min);
      float sumL = 0;
      float sumL2 = 0;
      float sumXl = 0;
      for (int i = 0; i < n; i++) {
        int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[xo + i] - min))));
        aux[i] = l;
        float w = weights[i];
        sumL += w * l;
        sumL2 += w * l * l;
        sumXl += w * l * x[xo + i];
      }
      float det = sumW * sumL2 - sumL * sumL;
      if (det > 0) {
        float thisScale = (sumW * sumXl - sumX * sumL) / det;
        float thisMin = (sumL2 * sumX - sumL * sumXl) / det;
        if (thisMin > 0) {
          thisMin = 0;
          thisScale = sumXl / sumL2;
        }
        float curError = 0;
        for (int i = 0; i < n; i++) {
          float diff = thisScale * aux[i] + thisMin - x[xo + i];
          curError += weights[i] * (diff * diff);
        }
        if (curError < bestError) {
          System.arraycopy(aux, 0, levels, lo, n);
          bestError = curError;
          scale = thisScale;
          min = thisMin;
        }
      }
    }
    theMin = -min;
    return scale;
  }

  /**
   * make_qx_quants with rmse_type 1 and no importance weights: symmetric levels in [-nmax, nmax)
   * (stored offset by nmax), the scale refined by weighted least squares (weights x^2) over 19
   * candidate inverse scales around {@code -nmax / max}.
   */
  private float makeQx(int n, int nmax, float[] x, int xo, int lo) {
    float max = 0;
    float amax = 0;
    for (int i = 0; i < n; i++) {
      float ax = Math.abs(x[xo + i]);
      if (ax > amax) {
        amax = ax;
        max = x[xo + i];
      }
    }
    if (amax < GROUP_MAX_EPS) {
      java.util.Arrays.fill(levels, lo, lo + n, 0);
      return 0.f;
    }
    float iscale = -nmax / max;
    float sumlx = 0;
    float suml2 = 0;
    for (int i = 0; i < n; i++) {
      float xi = x[xo + i];
      int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
      levels[lo + i] = l + nmax;
      float w = xi * xi;
      sumlx += w * xi * l;
      suml2 += w * l * l;
    }
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; is++) {
      if (is == 0) {
        continue;
      }
      iscale = -(nmax + 0.1f * is) / max;
      sumlx = 0;
      suml2 = 0;
      for (int i = 0; i < n; i++) {
        float xi = x[xo + i];
        int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
        float w = xi * xi;
        sumlx += w * xi * l;
        suml2 += w * l * l;
      }
      if (suml2 > 0 && sumlx * sumlx > best * suml2) {
        for (int i = 0; i < n; i++) {
          int l = nearestInt(iscale * x[xo + i]);
          levels[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
        }
        scale = sumlx / suml2;
        best = scale * sumlx;
      }
    }
    return scale;
  }

  /**
   * ggml's nearest_int (a float-add trick): round to nearest, ties to even, which is {@link
   * Math#rint} for the magnitudes it is used on (below 2^22).
   */
  static int nearestInt(float f) {
    return (int) Math.rint(f);
  }
}
