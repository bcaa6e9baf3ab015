package dev.fathom.drafters.tensor;

/**
 * Which implementation of the kernels runs: the scalar references or the Vector API ones. Which one
 * the engine uses is decided once, at start-up, by {@code
 * dev.fathom.drafters.compute.ComputeBackends}; tests name one directly.
 */
public enum KernelBackend {
  SCALAR,
  VECTOR;

  /** Null when the vector kernels can run in this JVM, otherwise a sentence saying why not. */
  public static String vectorUnavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the jdk.incubator.vector module is not loaded (start java with"
          + " --add-modules=jdk.incubator.vector)";
    }
    int bits = vectorBits();
    // The vector kernels widen 8 or 16 bytes at a time into one float vector and step through
    // 16-byte Q4_0 halves: narrower hardware (128-bit SSE/NEON) would need byte vectors of 4 lanes,
    // which the Vector API does not have, and wider (SVE 1024+) would overrun a half block.
    if (bits != 256 && bits != 512) {
      return "the preferred vector size is " + bits + " bits; the vector kernels need 256 or 512";
    }
    return null;
  }

  /** The preferred vector width in bits; only call when the incubator module is loaded. */
  public static int vectorBits() {
    return VectorProbe.preferredBits();
  }

  /** Touches the Vector API only when the module is known to be present. */
  private static final class VectorProbe {
    static int preferredBits() {
      return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
  }
}
