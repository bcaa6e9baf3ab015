package dev.fathom.drafters.compute;

import dev.fathom.drafters.gguf.GgmlType;

/**
 * A weight matrix handed to a {@link ComputeBackend} once, at load, and referred to by this handle
 * afterwards: the CPU backend keeps a view over the mapped file, a device backend would upload the
 * bytes once. Row {@code r} holds the {@link #cols()} input weights of output feature {@code r}.
 */
public interface WeightMatrix {
  int rows();

  int cols();

  GgmlType type();

  /** Bytes of stored weights (what one product reads). */
  long byteSize();
}
