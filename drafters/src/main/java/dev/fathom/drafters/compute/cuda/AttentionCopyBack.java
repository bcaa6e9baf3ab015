package dev.fathom.drafters.compute.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;

import dev.fathom.drafters.compute.AttentionSink;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * Hands the softmax weights the attention kernel left in its scratch ({@code attention.cu}: row
 * {@code i × heads + h} of {@code start + n} floats) to an {@link AttentionSink}, copying back only
 * the batch rows it wants (H2O eviction and in-context ranking ask for a few).
 */
final class AttentionCopyBack {
  private AttentionCopyBack() {}

  static void deliver(
      AttentionSink sink, CUdeviceptr scores, int layer, int start, int n, int heads) {
    int stride = start + n;
    float[] row = null;
    for (int i = 0; i < n; i++) {
      if (!sink.wants(i)) {
        continue;
      }
      if (row == null) {
        row = new float[heads * stride];
      }
      long offset = (long) i * heads * stride * Float.BYTES;
      cuMemcpyDtoH(
          Pointer.to(row), scores.withByteOffset(offset), (long) heads * stride * Float.BYTES);
      int len = start + i + 1;
      for (int h = 0; h < heads; h++) {
        float[] weights = new float[len];
        System.arraycopy(row, h * stride, weights, 0, len);
        sink.record(layer, h, i, weights, len);
      }
    }
  }
}
