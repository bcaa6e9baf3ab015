package dev.fathom.drafters.compute;

import dev.fathom.drafters.tensor.KernelBackend;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link ComputeBackend} once per JVM, from the system property {@value #PROPERTY}:
 *
 * <ul>
 *   <li>{@code auto} (default) — the CPU backend on the Vector API kernels when this JVM can run
 *       them, else on the scalar reference kernels, logging why (as Lucene's vectorization provider
 *       does);
 *   <li>{@code cpu} — the Vector API kernels, failing with the reason when they cannot run;
 *   <li>{@code scalar} — the scalar reference kernels (slow; for checking the fast ones).
 * </ul>
 *
 * A device backend slots in here: {@code auto} would try it first and log why it fell back.
 */
public final class ComputeBackends {
  /** System property naming the backend: {@code auto} (default), {@code cpu} or {@code scalar}. */
  public static final String PROPERTY = "fathom.engine.backend";

  private static final Logger LOG = LoggerFactory.getLogger(ComputeBackends.class);

  private static Choice chosen; // guarded by the class lock

  private ComputeBackends() {}

  /** The decision and the sentence that explains it. */
  public record Choice(KernelBackend kernels, String reason) {}

  /** A backend of the kind chosen at start-up, computing on {@code threads} threads. */
  public static ComputeBackend open(int threads) {
    return new CpuBackend(chosen().kernels(), threads);
  }

  /** A CPU backend on named kernels (tests, and comparing the two). */
  public static ComputeBackend open(KernelBackend kernels, int threads) {
    return new CpuBackend(kernels, threads);
  }

  /**
   * The start-up choice, made and logged on first use. A bad property value fails every call with
   * the same message (a static initializer would fail once, then with NoClassDefFoundError).
   */
  public static synchronized Choice chosen() {
    if (chosen == null) {
      Choice c = choose(System.getProperty(PROPERTY, "auto"));
      if (c.kernels() == KernelBackend.VECTOR) {
        LOG.info("Engine backend: cpu (Vector API), because {}", c.reason());
      } else {
        LOG.warn("Engine backend: scalar reference kernels (slow), because {}", c.reason());
      }
      chosen = c;
    }
    return chosen;
  }

  /**
   * Decides for the property value {@code wanted}.
   *
   * @throws IllegalArgumentException for a value other than auto, cpu, scalar
   * @throws IllegalStateException for {@code cpu} when the Vector API cannot run here
   */
  public static Choice choose(String wanted) {
    String value = wanted.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "scalar" -> {
        return new Choice(KernelBackend.SCALAR, "-D" + PROPERTY + "=scalar asks for it");
      }
      case "auto", "cpu" -> {
        String missing = KernelBackend.vectorUnavailableReason();
        if (missing == null) {
          return new Choice(
              KernelBackend.VECTOR,
              "-D"
                  + PROPERTY
                  + "="
                  + value
                  + " and the JVM offers "
                  + KernelBackend.vectorBits()
                  + "-bit vectors");
        }
        if (value.equals("cpu")) {
          throw new IllegalStateException("-D" + PROPERTY + "=cpu, but " + missing);
        }
        return new Choice(KernelBackend.SCALAR, "the Vector API kernels cannot run: " + missing);
      }
      default ->
          throw new IllegalArgumentException(
              "-D" + PROPERTY + "=" + wanted + " is not one of auto, cpu, scalar");
    }
  }
}
