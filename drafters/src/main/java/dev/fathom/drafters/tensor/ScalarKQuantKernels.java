package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.LittleEndian.i8;
import static dev.fathom.drafters.tensor.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

/**
 * Reference kernels for the 256-element "k-quant" super-blocks of ggml ({@code ggml-common.h},
 * {@code dequantize_row_q4_K / q5_K / q6_K} in {@code ggml-quants.c}):
 *
 * <ul>
 *   <li>{@code block_q4_K = {f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}} (144 bytes): eight
 *       sub-blocks of 32 with a 6-bit scale and 6-bit min each ({@link #scale}, {@link #min}); each
 *       32 bytes of {@code qs} hold two sub-blocks, low nibbles first. Element = {@code d · scale ·
 *       q - dmin · min}.
 *   <li>{@code block_q5_K = {f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}} (176 bytes):
 *       as Q4_K plus a fifth bit: sub-block {@code s} takes bit {@code s} of {@code qh[l]}.
 *   <li>{@code block_q6_K = {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}} (210 bytes): two halves
 *       of 128; in a half, element {@code 32k + l} has the low 4 bits from {@code ql} and bits
 *       {@code 2k, 2k+1} of {@code qh[l]} on top, minus 32, times {@code d · scales[l/16 + 2k]}.
 * </ul>
 */
enum ScalarKQuantKernels implements TypeKernel {
  Q4_K(144) {
    @Override
    void block(MemorySegment w, long o, float[] out, int outOff) {
      float d = f16(w, o);
      float dmin = f16(w, o + 2);
      for (int j = 0; j < 4; j++) {
        float d1 = d * scale(w, o + 4, 2 * j);
        float m1 = dmin * min(w, o + 4, 2 * j);
        float d2 = d * scale(w, o + 4, 2 * j + 1);
        float m2 = dmin * min(w, o + 4, 2 * j + 1);
        for (int l = 0; l < 32; l++) {
          int q = u8(w, o + 16 + 32 * j + l);
          out[outOff + 64 * j + l] = d1 * (q & 0x0F) - m1;
          out[outOff + 64 * j + 32 + l] = d2 * (q >>> 4) - m2;
        }
      }
    }
  },
  Q5_K(176) {
    @Override
    void block(MemorySegment w, long o, float[] out, int outOff) {
      float d = f16(w, o);
      float dmin = f16(w, o + 2);
      for (int j = 0; j < 4; j++) {
        float d1 = d * scale(w, o + 4, 2 * j);
        float m1 = dmin * min(w, o + 4, 2 * j);
        float d2 = d * scale(w, o + 4, 2 * j + 1);
        float m2 = dmin * min(w, o + 4, 2 * j + 1);
        for (int l = 0; l < 32; l++) {
          int q = u8(w, o + 48 + 32 * j + l);
          int h = u8(w, o + 16 + l);
          int lo = (q & 0x0F) | (((h >>> (2 * j)) & 1) << 4);
          int hi = (q >>> 4) | (((h >>> (2 * j + 1)) & 1) << 4);
          out[outOff + 64 * j + l] = d1 * lo - m1;
          out[outOff + 64 * j + 32 + l] = d2 * hi - m2;
        }
      }
    }
  },
  Q6_K(210) {
    @Override
    void block(MemorySegment w, long o, float[] out, int outOff) {
      float d = f16(w, o + 208);
      for (int half = 0; half < 2; half++) {
        long ql = o + 64 * half;
        long qh = o + 128 + 32 * half;
        long sc = o + 192 + 8 * half;
        int base = outOff + 128 * half;
        for (int l = 0; l < 32; l++) {
          int a = u8(w, ql + l);
          int b = u8(w, ql + 32 + l);
          int h = u8(w, qh + l);
          int s = l / 16;
          out[base + l] = d * i8(w, sc + s) * (((a & 0x0F) | ((h & 3) << 4)) - 32);
          out[base + 32 + l] = d * i8(w, sc + s + 2) * (((b & 0x0F) | (((h >>> 2) & 3) << 4)) - 32);
          out[base + 64 + l] = d * i8(w, sc + s + 4) * (((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32);
          out[base + 96 + l] = d * i8(w, sc + s + 6) * (((b >>> 4) | (((h >>> 6) & 3) << 4)) - 32);
        }
      }
    }
  };

  static final int BLOCK = 256;

  private final int bytesPerBlock;

  ScalarKQuantKernels(int bytesPerBlock) {
    this.bytesPerBlock = bytesPerBlock;
  }

  /** Dequantises the super-block at byte {@code o} into {@code out[outOff .. outOff + 256)}. */
  abstract void block(MemorySegment w, long o, float[] out, int outOff);

  /**
   * The 6-bit scale of sub-block {@code j} (0..7) from the 12 packed bytes at {@code scales}: bytes
   * 0..3 hold scales 0..3 in their low 6 bits, bytes 8..11 the low 4 bits of scales 4..7, whose top
   * 2 bits sit in the high bits of bytes 0..3 ({@code get_scale_min_k4}).
   */
  static int scale(MemorySegment w, long scales, int j) {
    if (j < 4) {
      return u8(w, scales + j) & 63;
    }
    return (u8(w, scales + j + 4) & 0x0F) | ((u8(w, scales + j - 4) >>> 6) << 4);
  }

  /** The 6-bit min of sub-block {@code j}: bytes 4..7 and the high nibbles of bytes 8..11. */
  static int min(MemorySegment w, long scales, int j) {
    if (j < 4) {
      return u8(w, scales + j + 4) & 63;
    }
    return (u8(w, scales + j + 4) >>> 4) | ((u8(w, scales + j) >>> 6) << 4);
  }

  @Override
  public float dot(MemorySegment w, long byteOffset, float[] x, int xOff, int n) {
    return ScalarBlocks.dot(this::block, BLOCK, bytesPerBlock, w, byteOffset, x, xOff, n);
  }

  @Override
  public void dequantize(MemorySegment w, long byteOffset, float[] dst, int dstOff, int n) {
    ScalarBlocks.dequantize(this::block, BLOCK, bytesPerBlock, w, byteOffset, dst, dstOff, n);
  }
}
