package dev.fathom.drafters.compute;

import dev.fathom.drafters.tensor.KernelBackend;
import java.util.Locale;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link ComputeBackend} once per JVM, from the system property {@value #PROPERTY}:
 *
 * <ul>
 *   <li>{@code auto} (default) — the CUDA backend when a CUDA device is usable, else the CPU
 *       backend on the Vector API kernels when this JVM can run them, else on the scalar reference
 *       kernels, logging why it fell back (as Lucene's vectorization provider does);
 *   <li>{@code cuda} — the CUDA backend, failing with the reason when no device is usable;
 *   <li>{@code cpu} — the Vector API kernels, failing with the reason when they cannot run;
 *   <li>{@code scalar} — the scalar reference kernels (slow; for checking the fast ones).
 * </ul>
 *
 * The CUDA backend is found through {@link DeviceBackendProvider} ({@link ServiceLoader}), so this
 * package does not depend on the one implementing it.
 */
public final class ComputeBackends {
  /** System property naming the backend: {@code auto} (default), {@code cuda}, {@code cpu}, … */
  public static final String PROPERTY = "fathom.engine.backend";

  private static final Logger LOG = LoggerFactory.getLogger(ComputeBackends.class);

  private static Choice chosen; // guarded by the class lock

  private ComputeBackends() {}

  /** Where the forward pass runs. */
  public enum Device {
    CPU,
    CUDA
  }

  /**
   * The decision and the sentence that explains it. {@code kernels} are the CPU kernels: those the
   * CPU backend runs, or, for {@link Device#CUDA}, those {@code auto} falls back to when the device
   * fails at open.
   */
  public record Choice(Device device, KernelBackend kernels, String reason) {
    /** A CPU choice. */
    public Choice(KernelBackend kernels, String reason) {
      this(Device.CPU, kernels, reason);
    }
  }

  /** A backend of the kind chosen at start-up, computing on {@code threads} CPU threads. */
  public static ComputeBackend open(int threads) {
    Choice c = chosen();
    if (c.device() == Device.CUDA) {
      DeviceBackendProvider cuda = provider("cuda");
      try {
        return cuda.open();
      } catch (IllegalStateException e) {
        if (!"auto".equals(wanted())) {
          throw e;
        }
        LOG.warn(
            "Engine backend: the CUDA device failed at open ({}); using the CPU", e.getMessage());
      }
    }
    return new CpuBackend(c.kernels(), threads);
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
      Choice c = choose(wanted());
      if (c.device() == Device.CUDA) {
        LOG.info("Engine backend: cuda, because {}", c.reason());
      } else if (c.kernels() == KernelBackend.VECTOR) {
        LOG.info("Engine backend: cpu (Vector API), because {}", c.reason());
      } else {
        LOG.warn("Engine backend: scalar reference kernels (slow), because {}", c.reason());
      }
      chosen = c;
    }
    return chosen;
  }

  private static String wanted() {
    return System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Decides for the property value {@code wanted}.
   *
   * @throws IllegalArgumentException for a value other than auto, cuda, cpu, scalar
   * @throws IllegalStateException for {@code cpu} when the Vector API cannot run here, for {@code
   *     cuda} when no CUDA device is usable
   */
  public static Choice choose(String wanted) {
    return choose(wanted, provider("cuda"));
  }

  /** As {@link #choose(String)}, with the CUDA provider given (null: none on the class path). */
  static Choice choose(String wanted, DeviceBackendProvider cuda) {
    String value = wanted.trim().toLowerCase(Locale.ROOT);
    String flag = "-D" + PROPERTY + "=" + value;
    switch (value) {
      case "scalar" -> {
        return new Choice(KernelBackend.SCALAR, flag + " asks for it");
      }
      case "cuda" -> {
        String missing = cudaMissing(cuda);
        if (missing != null) {
          throw new IllegalStateException(flag + ", but " + missing);
        }
        return new Choice(Device.CUDA, cpu("auto").kernels(), flag + " and " + describe(cuda));
      }
      case "auto" -> {
        String missing = cudaMissing(cuda);
        if (missing == null) {
          return new Choice(Device.CUDA, cpu(value).kernels(), flag + " and " + describe(cuda));
        }
        Choice c = cpu(value);
        return new Choice(c.kernels(), "no CUDA device (" + missing + "); " + c.reason());
      }
      case "cpu" -> {
        return cpu(value);
      }
      default ->
          throw new IllegalArgumentException(
              "-D" + PROPERTY + "=" + wanted + " is not one of auto, cuda, cpu, scalar");
    }
  }

  private static Choice cpu(String value) {
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

  private static String cudaMissing(DeviceBackendProvider cuda) {
    if (cuda == null) {
      return "no CUDA backend on the class path (dev.fathom.drafters.compute.cuda)";
    }
    return cuda.unavailableReason();
  }

  private static String describe(DeviceBackendProvider cuda) {
    return "a CUDA device is usable: " + cuda.describeDevice();
  }

  /** The device backend named {@code name} on the class path, or null. */
  static DeviceBackendProvider provider(String name) {
    for (DeviceBackendProvider p : ServiceLoader.load(DeviceBackendProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
