package dev.fathom.drafters.compute.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A device buffer a backend reuses across calls (token ids, logits, attention scores), grown to at
 * least double its size when a call needs more.
 */
final class DeviceScratch {
  private final DeviceMemory memory;
  private CUdeviceptr ptr;
  private long bytes;

  DeviceScratch(DeviceMemory memory) {
    this.memory = memory;
  }

  /** The buffer, at least {@code wanted} bytes (its contents are lost when it grows). */
  CUdeviceptr atLeast(long wanted) {
    if (wanted > bytes) {
      if (ptr != null) {
        memory.free(ptr);
      }
      bytes = Math.max(wanted, 2 * bytes);
      ptr = memory.allocate(this, bytes);
    }
    return ptr;
  }
}
