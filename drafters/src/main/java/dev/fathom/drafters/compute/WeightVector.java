package dev.fathom.drafters.compute;

/**
 * A small float parameter (an RMSNorm gain, a bias, a RoPE table) handed to a {@link
 * ComputeBackend} once, at load.
 */
public interface WeightVector {
  int size();
}
