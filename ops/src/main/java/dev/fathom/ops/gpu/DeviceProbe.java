package dev.fathom.ops.gpu;

import dev.fathom.drafters.compute.cuda.CudaDevice;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the CUDA backend's {@link CudaDevice#probe()} says about this machine's GPU — its name,
 * compute capability, memory and peak memory bandwidth (the roofline the decode speed is measured
 * against) — or why none is usable, as a JSON-ready map.
 */
final class DeviceProbe {
  private DeviceProbe() {}

  /** {@code usable}, {@code reason}, and the device's fields when there is one. */
  static Map<String, Object> cuda() {
    Map<String, Object> out = new LinkedHashMap<>();
    CudaDevice.Probe p;
    try {
      p = CudaDevice.probe();
    } catch (LinkageError e) { // JCuda's jar missing from a hand-made class path
      out.put("usable", false);
      out.put("reason", "cannot run CudaDevice.probe(): " + e);
      return out;
    }
    out.put("usable", p.available());
    out.put("reason", p.reason());
    CudaDevice d = p.device();
    if (d != null) {
      out.put("name", d.name());
      out.put("compute_capability", d.major() + "." + d.minor());
      out.put("multiprocessors", d.multiprocessors());
      out.put("total_memory_bytes", d.totalMemory());
      out.put("driver", d.driver());
      // 0 when the driver reports no memory clock or bus width: then no fraction is computed.
      out.put("bandwidth_bytes_per_s", d.memoryBandwidth() > 0 ? d.memoryBandwidth() : null);
    }
    return out;
  }
}
