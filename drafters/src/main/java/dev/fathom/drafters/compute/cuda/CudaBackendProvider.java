package dev.fathom.drafters.compute.cuda;

import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.DeviceBackendProvider;

/**
 * Offers the {@link CudaBackend} to {@code ComputeBackends} (declared in {@code
 * META-INF/services/dev.fathom.drafters.compute.DeviceBackendProvider}).
 */
public final class CudaBackendProvider implements DeviceBackendProvider {
  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public String unavailableReason() {
    CudaDevice.Probe p = CudaDevice.probe();
    return p.available() ? null : p.reason();
  }

  @Override
  public String describeDevice() {
    CudaDevice.Probe p = CudaDevice.probe();
    return p.available() ? p.device().toString() : "none (" + p.reason() + ")";
  }

  @Override
  public ComputeBackend open() {
    return new CudaBackend();
  }
}
