package dev.fathom.drafters.compute;

/**
 * A {@link ComputeBackend} on an accelerator, found by {@link java.util.ServiceLoader} (declared in
 * {@code META-INF/services}) so that this package does not depend on the device package that
 * implements it ({@code dev.fathom.drafters.compute.cuda.CudaBackendProvider}, which depends on
 * this one).
 */
public interface DeviceBackendProvider {
  /** The value of {@code fathom.engine.backend} that asks for it: {@code cuda}. */
  String name();

  /** Null when a device is usable here; otherwise the sentence that says why not. */
  String unavailableReason();

  /** The device, for the log line of the choice: {@code NVIDIA H200 (compute 9.0, …)}. */
  String describeDevice();

  /**
   * A backend on the device.
   *
   * @throws IllegalStateException when the device cannot be set up (no memory, a driver too old for
   *     the kernels' PTX), with the driver's reason
   */
  ComputeBackend open();
}
