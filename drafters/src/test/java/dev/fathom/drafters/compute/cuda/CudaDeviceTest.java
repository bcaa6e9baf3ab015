package dev.fathom.drafters.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The device probe answers with a device or a reason, never with an error. */
class CudaDeviceTest {
  @Test
  void bandwidthIsDoubleDataRateTimesTheBusWidth() {
    // An H100 SXM reports 2,619 MHz and 5,120 bits: 3.35 TB/s, its data-sheet figure.
    assertEquals(3_352_320_000_000L, CudaDevice.bandwidth(2_619_000, 5_120));
    assertEquals(0L, CudaDevice.bandwidth(0, 5_120)); // an attribute the driver no longer reports
  }

  @Test
  void theProbeNeverThrowsAndExplainsAMissingDevice() {
    CudaDevice.Probe p = CudaDevice.probe();
    assertNotNull(p.reason());
    assertFalse(p.reason().isBlank());
    assertFalse(p.reason().contains("\n"), "one line: " + p.reason());
    if (CudaDevice.driverLibraryMissing() != null) { // every machine here: no NVIDIA driver
      assertFalse(p.available());
      assertTrue(p.reason().startsWith("no CUDA driver: libcuda.so.1"), p.reason());
    }
    assertEquals(p, CudaDevice.probe()); // probed once per JVM
  }

  @Test
  void theDriverVersionReadsAsMajorDotMinor() {
    assertEquals("13.0", new CudaDevice("x", 9, 0, 1, 1, 1, 13000).driver());
    assertEquals("12.6", new CudaDevice("x", 9, 0, 1, 1, 1, 12060).driver());
  }
}
