package dev.fathom.drafters.compute;

/**
 * Floats a forward pass computes and reads again (the residual stream, projections, attention
 * output), allocated by a {@link ComputeBackend} and only touched through it, so a device backend
 * can keep them in device memory between operations. Laid out as rows of one position each.
 */
public interface Activations {
  /** Capacity in floats. */
  int size();
}
