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

  @Test
  void describeNamesTheKernelsAndThreads() {
    try (ComputeBackend b = ComputeBackends.open(KernelBackend.SCALAR, 2)) {
      assertEquals("cpu (scalar reference kernels, 2 threads)", b.describe());
    }
  }
}
