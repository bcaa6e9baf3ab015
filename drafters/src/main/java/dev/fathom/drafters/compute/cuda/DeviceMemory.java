package dev.fathom.drafters.compute.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.Set;
import jcuda.driver.CUdeviceptr;

/**
 * The device allocations of one backend, each tied to the Java object that owns it (a weight
 * handle, an {@code Activations}, a {@code KvCache}). Device memory is not garbage-collected: when
 * an owner becomes unreachable its allocation is freed at the next {@link #allocate} (on the
 * backend's thread, where the CUDA context is current), and everything at {@link #close}.
 */
final class DeviceMemory implements AutoCloseable {
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final Set<Allocation> live = new HashSet<>();
  private long bytes;

  private static final class Allocation extends WeakReference<Object> {
    final CUdeviceptr ptr;
    final long bytes;

    Allocation(Object owner, CUdeviceptr ptr, long bytes, ReferenceQueue<Object> queue) {
      super(owner, queue);
      this.ptr = ptr;
      this.bytes = bytes;
    }
  }

  /** {@code bytes} of device memory owned by {@code owner}, zeroed. */
  CUdeviceptr allocate(Object owner, long bytes) {
    CUdeviceptr ptr = new CUdeviceptr();
    allocate(owner, ptr, bytes);
    return ptr;
  }

  /**
   * Allocates {@code bytes} into {@code ptr} (which {@code owner} may already hold, so a handle can
   * own the memory it points to), zeroed.
   */
  void allocate(Object owner, CUdeviceptr ptr, long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("device allocation of " + bytes + " bytes: must be ≥ 1");
    }
    reclaim();
    cuMemAlloc(ptr, bytes);
    cuMemsetD8(ptr, (byte) 0, bytes);
    live.add(new Allocation(owner, ptr, bytes, collected));
    this.bytes += bytes;
  }

  /** Frees {@code ptr} now (a scratch buffer being replaced by a larger one). */
  void free(CUdeviceptr ptr) {
    for (Allocation a : live) {
      if (a.ptr == ptr) {
        release(a);
        live.remove(a);
        return;
      }
    }
    throw new IllegalArgumentException("not an allocation of this backend: " + ptr);
  }

  /** Frees the allocations whose owners were collected. */
  void reclaim() {
    for (Allocation a; (a = (Allocation) collected.poll()) != null; ) {
      if (live.remove(a)) {
        release(a);
      }
    }
  }

  /** Bytes allocated now. */
  long bytes() {
    return bytes;
  }

  private void release(Allocation a) {
    cuMemFree(a.ptr);
    bytes -= a.bytes;
  }

  @Override
  public void close() {
    for (Allocation a : live) {
      release(a);
    }
    live.clear();
  }
}
