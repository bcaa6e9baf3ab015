package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.bf16;
import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.LittleEndian.f32;

import java.lang.foreign.MemorySegment;

/**
 * Reference kernels for the unblocked float types: F32, F16 (IEEE binary16) and BF16 (the upper 16
 * bits of a binary32), one element after another.
 */
enum ScalarFloatKernels implements TypeKernel {
  F32(4) {
    @Override
    float element(MemorySegment w, long offset) {
      return f32(w, offset);
    }
  },
  F16(2) {
    @Override
    float element(MemorySegment w, long offset) {
      return f16(w, offset);
    }
  },
  BF16(2) {
    @Override
    float element(MemorySegment w, long offset) {
      return bf16(w, offset);
    }
  };

  private final int bytes;

  ScalarFloatKernels(int bytes) {
    this.bytes = bytes;
  }

  abstract float element(MemorySegment w, long offset);

  @Override
  public float dot(MemorySegment w, long byteOffset, float[] x, int xOff, int n) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += element(w, byteOffset + (long) i * bytes) * x[xOff + i];
    }
    return sum;
  }

  @Override
  public void dequantize(MemorySegment w, long byteOffset, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = element(w, byteOffset + (long) i * bytes);
    }
  }
}
