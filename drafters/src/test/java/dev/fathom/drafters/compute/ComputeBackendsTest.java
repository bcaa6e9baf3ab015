package dev.fathom.drafters.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.tensor.KernelBackend;
import org.junit.jupiter.api.Test;

class ComputeBackendsTest {
  @Test
  void scalarIsChosenWhenAskedForWithTheReason() {
    ComputeBackends.Choice c = ComputeBackends.choose(" Scalar ");
    assertEquals(KernelBackend.SCALAR, c.kernels());
    assertTrue(c.reason().contains("fathom.engine.backend=scalar"), c.reason());
  }

  @Test
  void autoAndCpuPickTheVectorKernelsWhereTheJvmHasThem() {
    // The build runs tests with --add-modules=jdk.incubator.vector on 256/512-bit hardware.
    if (KernelBackend.vectorUnavailableReason() == null) {
      assertEquals(KernelBackend.VECTOR, ComputeBackends.choose("auto").kernels());
      assertEquals(KernelBackend.VECTOR, ComputeBackends.choose("cpu").kernels());
      assertTrue(ComputeBackends.choose("auto").reason().contains("-bit vectors"));
    } else {
      assertEquals(KernelBackend.SCALAR, ComputeBackends.choose("auto").kernels());
      assertThrows(IllegalStateException.class, () -> ComputeBackends.choose("cpu"));
    }
  }

  @Test
  void unknownBackendIsNamedWithTheChoices() {
    var e = assertThrows(IllegalArgumentException.class, () -> ComputeBackends.choose("gpu"));
    assertTrue(e.getMessage().contains("gpu"), e.getMessage());
    assertTrue(e.getMessage().contains("auto, cuda, cpu, scalar"), e.getMessage());
  }

  /** A device provider that says what it is told. */
  private static DeviceBackendProvider device(String missing) {
    return new DeviceBackendProvider() {
      @Override
      public String name() {
        return "cuda";
      }

      @Override
      public String unavailableReason() {
        return missing;
      }

      @Override
      public String describeDevice() {
        return "Test GPU (compute 9.0)";
      }

      @Override
      public ComputeBackend open() {
        throw new IllegalStateException("not in a unit test");
      }
    };
  }

  @Test
  void autoAndCudaPickAUsableDeviceWithTheReason() {
    for (String v : new String[] {"auto", "CUDA"}) {
      ComputeBackends.Choice c = ComputeBackends.choose(v, device(null));
      assertEquals(ComputeBackends.Device.CUDA, c.device());
      assertTrue(c.reason().contains("Test GPU (compute 9.0)"), c.reason());
    }
  }

  @Test
  void autoFallsBackToTheCpuSayingWhyAndCudaFailsWithTheReason() {
    String why = "no CUDA driver: libcuda.so.1 missing";
    ComputeBackends.Choice c = ComputeBackends.choose("auto", device(why));
    assertEquals(ComputeBackends.Device.CPU, c.device());
    assertTrue(c.reason().contains(why), c.reason());
    var e =
        assertThrows(
            IllegalStateException.class, () -> ComputeBackends.choose("cuda", device(why)));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> ComputeBackends.choose("cuda", null));
    assertTrue(e.getMessage().contains("no CUDA backend on the class path"), e.getMessage());
    assertEquals(ComputeBackends.Device.CPU, ComputeBackends.choose("cpu", device(null)).device());
  }

  @Test
  void theCudaProviderIsFoundOnTheClassPath() {
    assertTrue(
        ComputeBackends.provider("cuda") != null, "META-INF/services names CudaBackendProvider");
  }

  @Test
  void describeNamesTheKernelsAndThreads() {
    try (ComputeBackend b = ComputeBackends.open(KernelBackend.SCALAR, 2)) {
      assertEquals("cpu (scalar reference kernels, 2 threads)", b.describe());
    }
  }
}
