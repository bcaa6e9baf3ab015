package dev.fathom.drafters.compute.cuda;

import dev.fathom.drafters.compute.Activations;
import dev.fathom.drafters.compute.WeightVector;
import jcuda.driver.CUdeviceptr;

/**
 * Floats in device memory: the {@link CudaBackend}'s activations and float parameters. The handle
 * owns the memory ({@link DeviceMemory} frees it once the handle is collected).
 */
record DeviceBuffer(CUdeviceptr ptr, int size) implements Activations, WeightVector {}
