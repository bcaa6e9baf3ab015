package dev.fathom.drafters.compute.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpy2D;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import dev.fathom.memory.KvCache;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUmemorytype;

/**
 * The device-side mirror of one {@link KvCache}, owned by the {@link CudaBackend} (one per cache,
 * freed when the cache is collected). Attention reads keys and values from here, so a decode step
 * moves no cache data over PCIe except the new position's write-back.
 *
 * <p>Layout: {@code keys} and {@code values} each hold {@code layers × capacity × kvDim} floats,
 * position {@code t} of layer {@code l} at float {@code (l · capacity + t) · kvDim}: a layer is one
 * contiguous run of positions, which is what the attention kernel indexes.
 *
 * <p>The heap cache stays the authority, because forks, the prefix cache and KV eviction read and
 * rewrite its pages without the backend: every store is written through to the heap pages at the
 * end of the forward pass (one 2-D copy per keys and values, after the last layer), and positions
 * the mirror lacks (after a fork, an adopt or a compaction: {@link KvMirrorState}) are uploaded
 * from the heap before the next store. The write-through costs {@code 2 × layers × kvDim × 4} bytes
 * per position (256 KiB for an 8B Llama), small beside the weights a decode step reads.
 */
final class DeviceKvCache {
  final CUdeviceptr keys;
  final CUdeviceptr values;
  private final int layers;
  private final int kvDim;
  private final int capacity;
  private final KvMirrorState state;
  private float[] staging = new float[0];
  private ByteBuffer writeBackBuffer = ByteBuffer.allocateDirect(0);

  DeviceKvCache(DeviceMemory memory, KvCache cache) {
    this.layers = cache.layers();
    this.kvDim = cache.kvDim();
    this.capacity = cache.capacity();
    long bytes = (long) layers * capacity * kvDim * Float.BYTES;
    this.keys = memory.allocate(cache, bytes);
    this.values = memory.allocate(cache, bytes);
    this.state = new KvMirrorState(cache.rewrites());
  }

  /** Byte offset of position {@code pos} of {@code layer}. */
  long offset(int layer, int pos) {
    return ((long) layer * capacity + pos) * kvDim * Float.BYTES;
  }

  /**
   * Copies {@code n} rows of {@code k} and {@code v} to positions {@code start ..} of {@code
   * layer}, after uploading what the mirror lacks; after the last layer, writes the new positions
   * of every layer through to the heap cache.
   */
  void store(KvCache cache, int layer, int start, int n, CUdeviceptr k, CUdeviceptr v) {
    int from = state.beginStore(cache.rewrites(), start);
    if (from < start) {
      upload(cache, from, start);
    }
    long rowBytes = (long) n * kvDim * Float.BYTES;
    cuMemcpyDtoD(keys.withByteOffset(offset(layer, start)), k, rowBytes);
    cuMemcpyDtoD(values.withByteOffset(offset(layer, start)), v, rowBytes);
    if (layer == layers - 1) {
      writeBack(cache, keys, start, n, true);
      writeBack(cache, values, start, n, false);
      state.stored(start + n);
    }
  }

  /** Heap positions {@code [from, to)} of every layer to the device, page run by page run. */
  private void upload(KvCache cache, int from, int to) {
    int pos = from;
    while (pos < to) {
      int run = Math.min(to, (pos / cache.pageSize() + 1) * cache.pageSize()) - pos;
      int floats = run * kvDim;
      if (staging.length < floats) {
        staging = new float[floats];
      }
      for (int l = 0; l < layers; l++) {
        // Through a staging array: a host pointer into the middle of a Java array is avoided.
        System.arraycopy(cache.keys(l, pos), cache.offset(pos), staging, 0, floats);
        cuMemcpyHtoD(keys.withByteOffset(offset(l, pos)), Pointer.to(staging), floats * 4L);
        System.arraycopy(cache.values(l, pos), cache.offset(pos), staging, 0, floats);
        cuMemcpyHtoD(values.withByteOffset(offset(l, pos)), Pointer.to(staging), floats * 4L);
      }
      pos += run;
    }
  }

  /** Positions {@code start .. start+n} of every layer from the device into the heap pages. */
  private void writeBack(KvCache cache, CUdeviceptr src, int start, int n, boolean isKeys) {
    int rowFloats = n * kvDim;
    long bytes = (long) layers * rowFloats * Float.BYTES;
    if (writeBackBuffer.capacity() < bytes) {
      // Direct memory: the 2-D copy's host side is a plain native address.
      writeBackBuffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }
    if (staging.length < layers * rowFloats) {
      staging = new float[layers * rowFloats];
    }
    CUDA_MEMCPY2D copy = new CUDA_MEMCPY2D();
    copy.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
    copy.srcDevice = src.withByteOffset(offset(0, start));
    copy.srcPitch = (long) capacity * kvDim * Float.BYTES;
    copy.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
    copy.dstHost = Pointer.to(writeBackBuffer);
    copy.dstPitch = (long) rowFloats * Float.BYTES;
    copy.WidthInBytes = (long) rowFloats * Float.BYTES;
    copy.Height = layers;
    cuMemcpy2D(copy); // synchronous: the default stream's kernels finish first
    writeBackBuffer.asFloatBuffer().get(0, staging, 0, layers * rowFloats);
    for (int l = 0; l < layers; l++) {
      for (int i = 0; i < n; i++) {
        int pos = start + i;
        float[] page = isKeys ? cache.keys(l, pos) : cache.values(l, pos);
        System.arraycopy(staging, l * rowFloats + i * kvDim, page, cache.offset(pos), kvDim);
      }
    }
  }
}
