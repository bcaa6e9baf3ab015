package dev.fathom.drafters.tensor;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which implementation of the kernels runs: the scalar references or the Vector API ones. Chosen
 * once, when this class is first used, from the system property {@value #PROPERTY} ({@code auto} by
 * default, {@code vector} or {@code scalar}); a fall back to scalar is logged with its reason.
 */
public enum KernelBackend {
  SCALAR,
  VECTOR;

  /**
   * System property naming the backend: {@code auto} (default), {@code vector} or {@code scalar}.
   */
  public static final String PROPERTY = "fathom.engine.kernels";

  private static final Logger LOG = LoggerFactory.getLogger(KernelBackend.class);
  private static final KernelBackend CURRENT = choose(System.getProperty(PROPERTY, "auto"));

  /** The backend chosen at start-up. */
  public static KernelBackend current() {
    return CURRENT;
  }

  static KernelBackend choose(String wanted) {
    String value = wanted.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "scalar" -> {
        LOG.info("Engine kernels: scalar, because -D{}=scalar", PROPERTY);
        return SCALAR;
      }
      case "auto", "vector" -> {
        String missing = vectorUnavailableReason();
        if (missing == null) {
          LOG.info("Engine kernels: Vector API, {}-bit vectors", VectorProbe.preferredBits());
          return VECTOR;
        }
        if (value.equals("vector")) {
          throw new IllegalStateException("-D" + PROPERTY + "=vector, but " + missing);
        }
        LOG.warn("Engine kernels: scalar (slow), because {}", missing);
        return SCALAR;
      }
      default ->
          throw new IllegalArgumentException(
              "-D" + PROPERTY + "=" + wanted + " is not one of auto, vector, scalar");
    }
  }

  /** Null when the vector kernels can run here, otherwise why not. */
  private static String vectorUnavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the jdk.incubator.vector module is not loaded (start java with"
          + " --add-modules=jdk.incubator.vector)";
    }
    int bits = VectorProbe.preferredBits();
    // The vector kernels widen 8 or 16 bytes at a time into one float vector and step through
    // 16-byte Q4_0 halves: narrower hardware (128-bit SSE/NEON) would need byte vectors of 4 lanes,
    // which the Vector API does not have, and wider (SVE 1024+) would overrun a half block.
    if (bits != 256 && bits != 512) {
      return "the preferred vector size is " + bits + " bits; the vector kernels need 256 or 512";
    }
    return null;
  }

  /** Touches the Vector API only when the module is known to be present. */
  private static final class VectorProbe {
    static int preferredBits() {
      return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
  }
}
