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
  private final Scratch tokens = new Scratch();
  private final Scratch logits = new Scratch();
  private final Scratch scores = new Scratch();
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
    cuInit(0);
    cuDeviceGet(handle, 0);
    // The device's primary context (reference-counted, shared with any other CUDA user in this
    // process) rather than cuCtxCreate, whose signature CUDA 13 changed.
    cuDevicePrimaryCtxRetain(context, handle);
    cuCtxSetCurrent(context);
    current.set(true);
    try {
      this.kernels = new CudaKernels();
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

  /** A device buffer of this backend; {@link #size()} in floats (or bytes for weights). */
  private record Buffer(CUdeviceptr ptr, int size) implements Activations, WeightVector {}

  private record CudaMatrix(GgmlType type, int rows, int cols, long rowBytes, CUdeviceptr ptr)
      implements WeightMatrix {
    @Override
    public long byteSize() {
      return rowBytes * rows;
    }
  }

  /** A growable device buffer the backend owns. */
  private final class Scratch {
    CUdeviceptr ptr;
    long bytes;

    CUdeviceptr atLeast(long wanted) {
      if (wanted > bytes) {
        if (ptr != null) {
          memory.free(ptr);
        }
        bytes = Math.max(wanted, 2 * bytes);
        ptr = memory.allocate(CudaBackend.this, bytes);
      }
      return ptr;
    }
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

  private static Buffer buf(Object a) {
    return (Buffer) a;
  }

  private static CudaMatrix mat(WeightMatrix w) {
    return (CudaMatrix) w;
  }

  private static void fits(Activations a, long floats, String what) {
    if (a.size() < floats) {
      throw new IllegalArgumentException(
          what + " needs " + floats + " floats; the activations hold " + a.size());
    }
  }

  @Override
  public synchronized WeightMatrix matrix(GgmlType type, MemorySegment data, int rows, int cols) {
    enter();
    kernels.matmul(type); // UnsupportedOperationException for a type without kernels
    checkShape(type, data.byteSize(), rows, cols);
    long rowBytes = type.byteSize(cols);
    CudaMatrix m = new CudaMatrix(type, rows, cols, rowBytes, new CUdeviceptr());
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
    Buffer b = floats(values.length);
    cuMemcpyHtoD(b.ptr(), Pointer.to(values), (long) values.length * Float.BYTES);
    return b;
  }

  @Override
  public synchronized Activations allocate(int floats) {
    enter();
    return floats(floats);
  }

  private Buffer floats(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("device buffer of " + n + " floats: must be ≥ 1");
    }
    Buffer b = new Buffer(new CUdeviceptr(), n);
    memory.allocate(b, b.ptr(), (long) n * Float.BYTES); // freed when the handle is collected
    return b;
  }

  /** The checks of the CPU's {@code Matrices.of}, with its messages. */
  static void checkShape(GgmlType type, long bytes, int rows, int cols) {
    String m = type + " matrix " + rows + "x" + cols;
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(m + ": rows and cols must be >= 1");
    }
    if (cols % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          m + ": cols must be a multiple of the block size " + type.blockSize());
    }
    long expected = type.byteSize(cols) * rows;
    if (bytes != expected) {
      throw new IllegalArgumentException(m + " needs " + expected + " bytes; data has " + bytes);
    }
  }

  @Override
  public synchronized void embed(WeightMatrix table, int[] ids, Activations out) {
    enter();
    CudaMatrix t = mat(table);
    fits(out, (long) ids.length * t.cols(), "embedding " + ids.length + " tokens");
    for (int id : ids) {
      if (id < 0 || id >= t.rows()) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the table's rows 0.." + (t.rows() - 1));
      }
    }
    CUdeviceptr dev = tokens.atLeast((long) ids.length * Integer.BYTES);
    cuMemcpyHtoD(dev, Pointer.to(ids), (long) ids.length * Integer.BYTES);
    launch(
        kernels.embed(t.type()),
        LaunchPlans.embed(ids.length),
        args().ptr(t.ptr()).l(t.rowBytes()).i(t.cols()).ptr(dev).ptr(buf(out).ptr()));
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
    launch(
        kernels.rmsNorm,
        LaunchPlans.rmsNorm(rows),
        args()
            .ptr(buf(x).ptr())
            .i(xRow)
            .ptr(buf(gain).ptr())
            .f(eps)
            .ptr(buf(out).ptr())
            .i(outRow)
            .i(dim));
  }

  @Override
  public synchronized void matmul(WeightMatrix w, Activations in, int n, Activations out) {
    enter();
    product(mat(w), buf(in), n, buf(out).ptr(), out.size());
  }

  private void product(CudaMatrix m, Buffer in, int n, CUdeviceptr out, long outFloats) {
    fits(in, (long) n * m.cols(), "product input of " + n + " rows");
    if (outFloats < (long) n * m.rows()) {
      throw new IllegalArgumentException(
          "product output needs " + (long) n * m.rows() + " floats; it holds " + outFloats);
    }
    launch(
        kernels.matmul(m.type()),
        LaunchPlans.matmul(m.rows(), n),
        args().ptr(m.ptr()).l(m.rowBytes()).i(m.rows()).i(m.cols()).ptr(in.ptr()).i(n).ptr(out));
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
    launch(
        kernels.rope,
        LaunchPlans.rope(n, heads, half),
        args()
            .ptr(buf(v).ptr())
            .ptr(buf(table.cos()).ptr())
            .ptr(buf(table.sin()).ptr())
            .i(n)
            .i(heads)
            .i(half)
            .i(startPos)
            .i(table.adjacentPairs() ? 1 : 0));
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
    DeviceKvCache m = mirror(cache);
    int stride = start + n;
    long scoreFloats = (long) n * shape.heads() * stride;
    CUdeviceptr s = scores.atLeast(scoreFloats * Float.BYTES);
    launch(
        kernels.attention,
        LaunchPlans.attention(shape.heads(), n),
        args()
            .ptr(buf(q).ptr())
            .ptr(m.keys)
            .ptr(m.values)
            .l(m.offset(layer, 0) / Float.BYTES)
            .ptr(buf(out).ptr())
            .ptr(s)
            .i(start)
            .i(shape.heads())
            .i(shape.kvHeads())
            .i(shape.headSize())
            .f((float) (1.0 / Math.sqrt(shape.headSize())))
            .i(stride));
    if (sink != null) {
      AttentionCopyBack.deliver(sink, s, layer, start, n, shape.heads());
    }
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
    CudaMatrix m = mat(output);
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
