package dev.fathom.drafters.compute.cuda;

import static dev.fathom.drafters.compute.cuda.CudaKernels.args;
import static dev.fathom.drafters.compute.cuda.CudaKernels.launch;

import dev.fathom.drafters.compute.AttentionShape;
import dev.fathom.drafters.compute.AttentionSink;
import jcuda.driver.CUdeviceptr;

/**
 * The host side of {@code attention.cu}: the two launches (partial sums per chunk of positions,
 * then their combination) over a layer of a {@link DeviceKvCache}, with the scratch they share, and
 * the copy back of the softmax weights an {@link AttentionSink} wants.
 */
final class CudaAttention {
  private final CudaKernels kernels;
  private final DeviceScratch scores;
  private final DeviceScratch partials;

  CudaAttention(CudaKernels kernels, DeviceMemory memory) {
    this.kernels = kernels;
    this.scores = new DeviceScratch(memory);
    this.partials = new DeviceScratch(memory);
  }

  void run(
      DeviceKvCache m,
      int layer,
      int start,
      int n,
      AttentionShape shape,
      DeviceBuffer q,
      DeviceBuffer out,
      AttentionSink sink) {
    int stride = start + n;
    int chunk = LaunchPlans.ATTENTION_CHUNK;
    int splits = LaunchPlans.attentionSplits(stride, chunk);
    int heads = shape.heads();
    int hs = shape.headSize();
    CUdeviceptr s = scores.atLeast((long) n * heads * stride * Float.BYTES);
    CUdeviceptr p = partials.atLeast((long) n * heads * splits * (hs + 2) * Float.BYTES);
    launch(
        kernels.attentionPartial,
        LaunchPlans.attentionPartial(heads, n, splits),
        args()
            .ptr(q.ptr())
            .ptr(m.keys)
            .ptr(m.values)
            .l(m.offset(layer, 0) / Float.BYTES)
            .ptr(s)
            .ptr(p)
            .i(start)
            .i(heads)
            .i(shape.kvHeads())
            .i(hs)
            .f((float) (1.0 / Math.sqrt(hs)))
            .i(stride)
            .i(chunk));
    launch(
        kernels.attentionCombine,
        LaunchPlans.attentionCombine(heads, n),
        args().ptr(p).ptr(s).ptr(out.ptr()).i(start).i(heads).i(hs).i(stride).i(splits));
    if (sink != null) {
      AttentionCopyBack.deliver(sink, s, layer, start, n, heads);
    }
  }
}
