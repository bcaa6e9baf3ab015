package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.LittleEndian.i8;
import static dev.fathom.drafters.tensor.LittleEndian.u8;

import java.lang.foreign.MemorySegment;

/**
 * Reference kernels for the 32-element block types, laid out as in ggml's {@code ggml-common.h}:
 *
 * <ul>
 *   <li>{@code block_q8_0 = {f16 d; int8 qs[32]}} (34 bytes), element {@code i = qs[i] · d};
 *   <li>{@code block_q4_0 = {f16 d; u8 qs[16]}} (18 bytes), the low nibble of {@code qs[j]} is
 *       element {@code j}, the high nibble element {@code j + 16}, each worth {@code (q - 8) · d}
 *       ({@code dequantize_row_q4_0} in {@code ggml-quants.c}).
 * </ul>
 */
enum ScalarBlockKernels implements TypeKernel {
  Q8_0(34) {
    @Override
    void block(MemorySegment w, long o, float[] out, int outOff) {
      float d = f16(w, o);
      for (int i = 0; i < 32; i++) {
        out[outOff + i] = i8(w, o + 2 + i) * d;
      }
    }
  },
  Q4_0(18) {
    @Override
    void block(MemorySegment w, long o, float[] out, int outOff) {
      float d = f16(w, o);
      for (int j = 0; j < 16; j++) {
        int q = u8(w, o + 2 + j);
        out[outOff + j] = ((q & 0x0F) - 8) * d;
        out[outOff + j + 16] = ((q >>> 4) - 8) * d;
      }
    }
  };

  static final int BLOCK = 32;

  private final int bytesPerBlock;

  ScalarBlockKernels(int bytesPerBlock) {
    this.bytesPerBlock = bytesPerBlock;
  }

  /** Dequantises the block at byte {@code o} into {@code out[outOff .. outOff + 32)}. */
  abstract void block(MemorySegment w, long o, float[] out, int outOff);

  @Override
  public float dot(MemorySegment w, long byteOffset, float[] x, int xOff, int n) {
    return ScalarBlocks.dot(this::block, BLOCK, bytesPerBlock, w, byteOffset, x, xOff, n);
  }

  @Override
  public void dequantize(MemorySegment w, long byteOffset, float[] dst, int dstOff, int n) {
    ScalarBlocks.dequantize(this::block, BLOCK, bytesPerBlock, w, byteOffset, dst, dstOff, n);
  }
}
