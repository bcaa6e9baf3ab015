package dev.fathom.ops.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckPlanTest {

  static Map<String, Object> probe(Map<String, Object> result) {
    return Map.of("status", "ok", "result", result);
  }

  @Test
  void aCudaRunIsMeasuredAgainstTheGpusBandwidth() {
    Map<String, Object> cuda = Map.of("usable", true, "bandwidth_bytes_per_s", 4.8e12);
    assertEquals(4.8e12, CheckPlan.bandwidth(probe(Map.of("cuda", cuda))));
  }

  @Test
  void aCpuRunIsMeasuredAgainstTheHostsBandwidthEvenBesideAGpu() {
    Map<String, Object> cuda = Map.of("usable", true, "bandwidth_bytes_per_s", 4.8e12);
    assertEquals(
        2.5e10,
        CheckPlan.bandwidth(probe(Map.of("cuda", cuda, "cpu_bandwidth_bytes_per_s", 2.5e10))));
  }

  @Test
  void noBandwidthWhenTheProbeFoundNone() {
    Map<String, Object> cuda = Map.of("usable", false, "reason", "no CUDA driver");
    assertEquals(0, CheckPlan.bandwidth(probe(Map.of("cuda", cuda))));
    assertEquals(0, CheckPlan.bandwidth(Map.<String, Object>of("status", "timeout")));
  }

  @Test
  void fieldsOfAStepThatDidNotRunAreNull() {
    assertNull(CheckPlan.field(Map.of("status", "skipped"), "tokens"));
    assertNull(CheckPlan.field(null, "tokens"));
    assertEquals(3, CheckPlan.field(probe(Map.of("tokens", 3)), "tokens"));
  }
}
