package dev.fathom.drafters.compute.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA device the backend runs on (device 0), as the driver describes it.
 *
 * @param name the device's name, e.g. {@code NVIDIA H200}
 * @param major compute capability, major (7 is Volta/Turing, 8 Ampere/Ada, 9 Hopper)
 * @param minor compute capability, minor
 * @param totalMemory bytes of device memory
 * @param memoryBandwidth peak bytes/s: {@code 2 × memory clock × bus width / 8} (double data rate),
 *     from {@code CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE} (kHz) and {@code GLOBAL_MEMORY_BUS_WIDTH}
 *     (bits); 0 when the driver reports neither. The bound a memory-bound decode step is measured
 *     against (bytes read per token ÷ this).
 * @param multiprocessors streaming multiprocessors
 * @param driverVersion {@code cuDriverGetVersion}: 1000 × major + 10 × minor (13000 is CUDA 13.0)
 */
public record CudaDevice(
    String name,
    int major,
    int minor,
    long totalMemory,
    long memoryBandwidth,
    int multiprocessors,
    int driverVersion) {

  /** The device, or why there is none; {@link #device()} is null exactly when not usable. */
  public record Probe(CudaDevice device, String reason) {
    public boolean available() {
      return device != null;
    }
  }

  private static Probe probed; // guarded by the class lock

  /** {@code "13.0"} for 13000. */
  public String driver() {
    return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
  }

  @Override
  public String toString() {
    return String.format(
        "%s (compute %d.%d, %d SMs, %.1f GiB, %.0f GB/s, driver %s)",
        name,
        major,
        minor,
        multiprocessors,
        totalMemory / (double) (1L << 30),
        memoryBandwidth / 1e9,
        driver());
  }

  /** Peak bandwidth from the attributes (kHz and bits); 0 when either is unknown. */
  static long bandwidth(int memoryClockKhz, int busWidthBits) {
    return 2L * memoryClockKhz * 1000L * busWidthBits / 8;
  }

  /**
   * Looks for device 0 once per JVM. Never throws: a missing driver library ({@code libcuda.so.1}),
   * no device, or a driver error become the reason.
   */
  public static synchronized Probe probe() {
    if (probed == null) {
      probed = look();
    }
    return probed;
  }

  private static Probe look() {
    String noDriver = driverLibraryMissing();
    if (noDriver != null) {
      return missing(noDriver);
    }
    try {
      int rc = JCudaDriver.cuInit(0);
      if (rc != CUresult.CUDA_SUCCESS) {
        return missing("cuInit failed: " + CUresult.stringFor(rc));
      }
      int[] count = new int[1];
      check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
      if (count[0] < 1) {
        return missing("the CUDA driver reports no device");
      }
      CUdevice dev = new CUdevice();
      check(JCudaDriver.cuDeviceGet(dev, 0), "cuDeviceGet");
      byte[] name = new byte[256];
      check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
      long[] memory = new long[1];
      check(JCudaDriver.cuDeviceTotalMem(memory, dev), "cuDeviceTotalMem");
      int[] driver = new int[1];
      check(JCudaDriver.cuDriverGetVersion(driver), "cuDriverGetVersion");
      CudaDevice d =
          new CudaDevice(
              cString(name),
              attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
              attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
              memory[0],
              bandwidth(
                  attribute(dev, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE),
                  attribute(dev, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH)),
              attribute(dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
              driver[0]);
      if (d.major() < 7 || (d.major() == 7 && d.minor() < 5)) {
        return new Probe(null, d + " is below compute capability 7.5, the PTX target (compute_75)");
      }
      return new Probe(d, "found " + d);
    } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
      // JCudaDriver's static initializer loads libJCudaDriver, which needs the driver's library.
      return missing("JCuda's driver library (libJCudaDriver) cannot load: " + firstLine(e));
    } catch (RuntimeException e) { // our checks, or CudaException once exceptions are enabled
      return missing(e.getMessage());
    }
  }

  /**
   * Null when the dynamic loader finds the driver's {@code libcuda.so.1} (as libJCudaDriver will);
   * else the sentence saying it does not. A plain check first, so the usual case on a machine
   * without a GPU reads as one line rather than JCuda's nested stack traces.
   */
  static String driverLibraryMissing() {
    try (Arena arena = Arena.ofConfined()) {
      SymbolLookup.libraryLookup("libcuda.so.1", arena);
      return null;
    } catch (IllegalArgumentException e) {
      return "no CUDA driver: libcuda.so.1 cannot be loaded (no NVIDIA driver on this machine,"
          + " or not on the loader's path)";
    }
  }

  private static Probe missing(String reason) {
    return new Probe(null, reason);
  }

  private static int attribute(CUdevice dev, int attribute) {
    int[] value = new int[1];
    int rc = JCudaDriver.cuDeviceGetAttribute(value, attribute, dev);
    return rc == CUresult.CUDA_SUCCESS ? value[0] : 0; // 0 = unknown (e.g. a removed attribute)
  }

  private static void check(int rc, String call) {
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new IllegalStateException(call + " failed: " + CUresult.stringFor(rc));
    }
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
