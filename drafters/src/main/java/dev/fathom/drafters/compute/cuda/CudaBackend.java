package dev.fathom.drafters.compute.cuda;

import static dev.fathom.drafters.compute.cuda.CudaKernels.args;
import static dev.fathom.drafters.compute.cuda.CudaKernels.launch;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import dev.fathom.drafters.compute.Activations;
import dev.fathom.drafters.compute.AttentionShape;
import dev.fathom.drafters.compute.AttentionSink;
import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.RotaryTable;
import dev.fathom.drafters.compute.WeightMatrix;
import dev.fathom.drafters.compute.WeightVector;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.memory.KvCache;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;

/**
 * The {@link ComputeBackend} of an NVIDIA GPU, through JCuda's driver API: weights are uploaded
 * once, at {@link #matrix}, as the GGUF stores them (quantised blocks included); activations live
 * in device memory; each KV cache has a device mirror ({@link DeviceKvCache}); only the logits and
 * the attention weights an {@link AttentionSink} asks for are copied back. The kernels are the PTX
 * of {@code drafters/src/main/cuda} ({@link CudaKernels}), launched on the default stream, so
 * operations run in order and a copy back waits for them.
 *
 * <p>One operation at a time (the methods are synchronized): the scratch buffers are shared. The
 * context is made current on whichever thread calls.
 */
public final class CudaBackend implements ComputeBackend {
  private final CudaDevice device;
  private final CUdevice handle = new CUdevice();
  private final CUcontext context = new CUcontext();
  private final DeviceMemory memory = new DeviceMemory();
  private final CudaKernels kernels;
  private final Map<KvCache, DeviceKvCache> mirrors = new WeakHashMap<>();
  private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);
  private final DeviceScratch tokens = new DeviceScratch(memory);
  private final DeviceScratch logits = new DeviceScratch(memory);
  private final CudaAttention attention;
  private ByteBuffer uploadBuffer; // allocated at the first upload
  private boolean closed;

  /**
   * A backend on device 0.
   *
   * @throws IllegalStateException when no device is usable (the probe's reason) or the kernels do
   *     not load
   */
  public CudaBackend() {
    CudaDevice.Probe probe = CudaDevice.probe();
    if (!probe.available()) {
      throw new IllegalStateException("no CUDA device: " + probe.reason());
    }
    this.device = probe.device();
    CudaKernels.throwOnErrors();
    try {
      cuInit(0);
      cuDeviceGet(handle, 0);
      // The device's primary context (reference-counted, shared with any other CUDA user in this
      // process) rather than cuCtxCreate, whose signature CUDA 13 changed.
      cuDevicePrimaryCtxRetain(context, handle);
    } catch (CudaException e) {
      throw new IllegalStateException("setting up " + device.name() + " failed: " + e.getMessage());
    }
    cuCtxSetCurrent(context);
    current.set(true);
    try {
      this.kernels = new CudaKernels();
      this.attention = new CudaAttention(kernels, memory);
    } catch (RuntimeException e) {
      cuDevicePrimaryCtxRelease(handle);
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public CudaDevice device() {
    return device;
  }

  @Override
  public String describe() {
    return "cuda (" + device + ")";
  }

  private void enter() {
    if (closed) {
      throw new IllegalStateException("the CUDA backend is closed");
    }
    if (!current.get()) {
      cuCtxSetCurrent(context);
      current.set(true);
    }
  }

  static DeviceBuffer buf(Object a) {
    return (DeviceBuffer) a;
  }

  private static DeviceMatrix mat(WeightMatrix w) {
    return (DeviceMatrix) w;
  }

  static void fits(Activations a, long floats, String what) {
    if (a.size() < floats) {
      throw new IllegalArgumentException(
          what + " needs " + floats + " floats; the activations hold " + a.size());
    }
  }

  @Override
  public synchronized WeightMatrix matrix(GgmlType type, MemorySegment data, int rows, int cols) {
    enter();
    kernels.matmul(type); // UnsupportedOperationException for a type without kernels
    DeviceMatrix.checkShape(type, data.byteSize(), rows, cols);
    long rowBytes = type.byteSize(cols);
    DeviceMatrix m = new DeviceMatrix(type, rows, cols, rowBytes, new CUdeviceptr());
    memory.allocate(m, m.ptr(), data.byteSize());
    upload(data, m.ptr());
    return m;
  }

  /**
   * Copies {@code data} (mapped or on the heap) to the device through a direct staging buffer of at
   * most 64 MiB, reused for every tensor of a model.
   */
  private void upload(MemorySegment data, CUdeviceptr dev) {
    long chunk = 64L << 20;
    if (uploadBuffer == null) {
      uploadBuffer = ByteBuffer.allocateDirect((int) chunk);
    }
    MemorySegment staging = MemorySegment.ofBuffer(uploadBuffer);
    for (long off = 0; off < data.byteSize(); off += chunk) {
      long len = Math.min(chunk, data.byteSize() - off);
      MemorySegment.copy(data, off, staging, 0, len);
      cuMemcpyHtoD(dev.withByteOffset(off), Pointer.to(uploadBuffer), len);
    }
  }

  @Override
  public synchronized WeightVector vector(float[] values) {
    enter();
    DeviceBuffer b = floats(values.length);
    cuMemcpyHtoD(b.ptr(), Pointer.to(values), (long) values.length * Float.BYTES);
    return b;
  }

  @Override
  public synchronized Activations allocate(int floats) {
    enter();
    return floats(floats);
  }

  private DeviceBuffer floats(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("device buffer of " + n + " floats: must be ≥ 1");
    }
    DeviceBuffer b = new DeviceBuffer(new CUdeviceptr(), n);
    memory.allocate(b, b.ptr(), (long) n * Float.BYTES); // freed when the handle is collected
    return b;
  }

  @Override
  public synchronized void embed(WeightMatrix table, int[] ids, Activations out) {
    enter();
    DeviceMatrix t = mat(table);
    fits(out, (long) ids.length * t.cols(), "embedding " + ids.length + " tokens");
    for (int id : ids) {
      if (id < 0 || id >= t.rows()) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the table's rows 0.." + (t.rows() - 1));
      }
    }
    CUdeviceptr dev = tokens.atLeast((long) ids.length * Integer.BYTES);
    cuMemcpyHtoD(dev, Pointer.to(ids), (long) ids.length * Integer.BYTES);
    kernels.embed(t, dev, ids.length, buf(out).ptr());
  }

  @Override
  public synchronized void rmsNorm(
      Activations x,
      int xRow,
      WeightVector gain,
      float eps,
      Activations out,
      int outRow,
      int rows) {
    enter();
    int dim = gain.size();
    fits(x, (long) (xRow + rows) * dim, "rmsNorm input");
    fits(out, (long) (outRow + rows) * dim, "rmsNorm output");
    kernels.rmsNorm(buf(x).ptr(), xRow, buf(gain).ptr(), dim, eps, buf(out).ptr(), outRow, rows);
  }

  @Override
  public synchronized void matmul(WeightMatrix w, Activations in, int n, Activations out) {
    enter();
    product(mat(w), buf(in), n, buf(out).ptr(), out.size());
  }

  private void product(DeviceMatrix m, DeviceBuffer in, int n, CUdeviceptr out, long outFloats) {
    fits(in, (long) n * m.cols(), "product input of " + n + " rows");
    if (outFloats < (long) n * m.rows()) {
      throw new IllegalArgumentException(
          "product output needs " + (long) n * m.rows() + " floats; it holds " + outFloats);
    }
    kernels.product(m, in.ptr(), n, out);
  }

  @Override
  public synchronized void addBias(Activations y, WeightVector bias, int n) {
    enter();
    int floats = n * bias.size();
    fits(y, floats, "bias of " + n + " rows");
    launch(
        kernels.addBias,
        LaunchPlans.elementwise(floats),
        args().ptr(buf(y).ptr()).ptr(buf(bias).ptr()).i(bias.size()).i(floats));
  }

  @Override
  public synchronized void rope(RotaryTable table, Activations v, int n, int heads, int startPos) {
    enter();
    int half = table.half();
    if (startPos + n > table.positions()) {
      throw new IllegalArgumentException(
          "positions up to " + (startPos + n) + " exceed the RoPE table's " + table.positions());
    }
    fits(v, (long) n * heads * 2 * half, "RoPE of " + n + " rows");
    kernels.rope(
        buf(v).ptr(),
        buf(table.cos()).ptr(),
        buf(table.sin()).ptr(),
        n,
        heads,
        half,
        startPos,
        table.adjacentPairs());
  }

  @Override
  public synchronized void storeKv(
      KvCache cache, int layer, int start, int n, Activations k, Activations v) {
    enter();
    fits(k, (long) n * cache.kvDim(), "keys of " + n + " rows");
    fits(v, (long) n * cache.kvDim(), "values of " + n + " rows");
    if (start + n > cache.capacity()) {
      throw new IllegalArgumentException(
          "positions up to " + (start + n) + " exceed the cache's " + cache.capacity());
    }
    mirror(cache).store(cache, layer, start, n, buf(k).ptr(), buf(v).ptr());
  }

  private DeviceKvCache mirror(KvCache cache) {
    return mirrors.computeIfAbsent(cache, c -> new DeviceKvCache(memory, c));
  }

  @Override
  public synchronized void attention(
      KvCache cache,
      int layer,
      int start,
      int n,
      AttentionShape shape,
      Activations q,
      Activations out,
      AttentionSink sink) {
    enter();
    if (shape.kvDim() != cache.kvDim()) {
      throw new IllegalArgumentException(
          "attention over kvDim " + shape.kvDim() + " but the cache holds " + cache.kvDim());
    }
    fits(q, (long) n * shape.queryDim(), "queries of " + n + " rows");
    fits(out, (long) n * shape.queryDim(), "attention output of " + n + " rows");
    attention.run(mirror(cache), layer, start, n, shape, buf(q), buf(out), sink);
  }

  @Override
  public synchronized void swiglu(Activations gate, Activations up, int floats) {
    enter();
    fits(gate, floats, "SwiGLU gate");
    fits(up, floats, "SwiGLU up");
    launch(
        kernels.swiglu,
        LaunchPlans.elementwise(floats),
        args().ptr(buf(gate).ptr()).ptr(buf(up).ptr()).i(floats));
  }

  @Override
  public synchronized void add(Activations y, Activations x, int floats) {
    enter();
    fits(y, floats, "residual");
    fits(x, floats, "residual addend");
    launch(
        kernels.add,
        LaunchPlans.elementwise(floats),
        args().ptr(buf(y).ptr()).ptr(buf(x).ptr()).i(floats));
  }

  @Override
  public synchronized void logits(WeightMatrix output, Activations x, int n, float[] out) {
    enter();
    DeviceMatrix m = mat(output);
    long floats = (long) n * m.rows();
    if (out.length < floats) {
      throw new IllegalArgumentException(
          "logits of " + n + " rows need " + floats + " floats; the array holds " + out.length);
    }
    CUdeviceptr dev = logits.atLeast(floats * Float.BYTES);
    product(m, buf(x), n, dev, floats);
    cuMemcpyDtoH(Pointer.to(out), dev, floats * Float.BYTES); // waits for the kernels before it
  }

  /** Device bytes held now (weights, activations, KV mirrors, scratch). */
  public synchronized long deviceBytes() {
    return memory.bytes();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    enter();
    closed = true;
    mirrors.clear();
    memory.close();
    uploadBuffer = null;
    cuDevicePrimaryCtxRelease(handle);
  }

  @Override
  public String toString() {
    return describe();
  }
}
