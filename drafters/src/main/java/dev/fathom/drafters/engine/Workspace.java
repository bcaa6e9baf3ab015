package dev.fathom.drafters.engine;

import dev.fathom.drafters.compute.Activations;
import dev.fathom.drafters.compute.ComputeBackend;

/**
 * The activations of one forward pass over up to {@link #positions} positions, allocated by the
 * backend (so a device backend keeps them on the device) and reused by every forward pass of a
 * {@link LlamaSequence} that fits: decoding allocates nothing per token.
 */
final class Workspace {
  final int positions;
  final Activations x; // (positions × dim) the residual stream
  final Activations xb; // (positions × dim) normalised input of a sub-layer, then its output
  final Activations q; // (positions × queryDim)
  final Activations k; // (positions × kvDim)
  final Activations v; // (positions × kvDim)
  final Activations att; // (positions × queryDim) attention output before Wo
  final Activations gate; // (positions × hiddenDim)
  final Activations up; // (positions × hiddenDim)

  Workspace(ComputeBackend backend, ModelConfig c, int positions) {
    this.positions = positions;
    x = backend.allocate(positions * c.dim());
    xb = backend.allocate(positions * c.dim());
    q = backend.allocate(positions * c.queryDim());
    k = backend.allocate(positions * c.kvDim());
    v = backend.allocate(positions * c.kvDim());
    att = backend.allocate(positions * c.queryDim());
    gate = backend.allocate(positions * c.hiddenDim());
    up = backend.allocate(positions * c.hiddenDim());
  }
}
