package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineBenchReportTest {
  private static final BandwidthProbe.Result BANDWIDTH =
      new BandwidthProbe.Result(10e9, 512L << 20, 2, 5, 2);

  private static EngineBenchReport report(PhaseTimes llamaCpp, String error) {
    return new EngineBenchReport(
        "m.gguf",
        "test machine",
        2,
        128,
        64,
        new PhaseTimes(200, 5, 3),
        1_000_000_000L,
        BANDWIDTH,
        llamaCpp,
        error);
  }

  @Test
  void fractionOfBoundIsDecodeReadRateOverBandwidth() {
    // 5 tok/s × 1 GB per token = 5 GB/s of 10 GB/s
    assertEquals(0.5, report(null, null).fractionOfBound(), 1e-12);
  }

  @Test
  void jsonWithoutTheAnchorHasFathomsNumbersOnly() {
    Map<String, Object> m = report(null, null).toJson();
    assertEquals(
        List.of(
            "model",
            "machine",
            "threads",
            "prompt_tokens",
            "decode_tokens",
            "method",
            "prefill_tok_s",
            "decode_tok_s",
            "runs",
            "prefill_tok_s_min",
            "prefill_tok_s_max",
            "decode_tok_s_min",
            "decode_tok_s_max",
            "bytes_per_token",
            "bandwidth_gb_s",
            "bandwidth_streams",
            "fraction_of_bound"),
        List.copyOf(m.keySet()));
    assertEquals(200.0, m.get("prefill_tok_s"));
    assertEquals(5.0, m.get("decode_tok_s"));
    assertEquals(10.0, m.get("bandwidth_gb_s"));
    assertEquals(0.5, m.get("fraction_of_bound"));
    assertEquals(2, m.get("bandwidth_streams"));
    assertTrue(report(null, null).toText().contains("2 streams per thread"));
  }

  @Test
  void aFractionAboveOneSaysTheProbeWasNoBound() {
    assertFalse(report(null, null).toText().contains("no bound"));
    // llama.cpp at 12 tok/s × 1 GB per token = 12 GB/s, more than the probe's 10
    String text = report(new PhaseTimes(400, 12, 3), null).toText();
    assertTrue(text.contains("fraction above 1"), text);
    assertTrue(text.contains("no bound"), text);
  }

  @Test
  void jsonWithTheAnchorAddsItsNumbersAndRatios() {
    Map<String, Object> m = report(new PhaseTimes(400, 8, 3), null).toJson();
    assertEquals(400.0, m.get("llamacpp_prefill_tok_s"));
    assertEquals(8.0, m.get("llamacpp_decode_tok_s"));
    assertEquals(0.5, m.get("prefill_ratio"));
    assertEquals(0.625, m.get("decode_ratio"));
    assertEquals(0.8, m.get("llamacpp_fraction_of_bound"));
    assertEquals(LlamaCppBenchmark.ARTIFACT, m.get("llamacpp"));
    assertTrue(report(new PhaseTimes(400, 8, 3), null).toText().contains("llama.cpp"));
  }

  @Test
  void spreadsOfBothEnginesAreReported() {
    PhaseTimes anchor = new PhaseTimes(400, 8, 5, 380, 410, 7.5, 8.4);
    Map<String, Object> m = report(anchor, null).toJson();
    assertEquals(380.0, m.get("llamacpp_prefill_tok_s_min"));
    assertEquals(8.4, m.get("llamacpp_decode_tok_s_max"));
    String text = report(anchor, null).toText();
    assertTrue(text.contains("380.0–410.0"), text);
    assertTrue(text.contains("alternating"), text);
  }

  @Test
  void anUnavailableAnchorIsReportedBesideFathomsNumbers() {
    EngineBenchReport r = report(null, "cannot load llama.cpp's native library: boom");
    assertEquals("cannot load llama.cpp's native library: boom", r.toJson().get("llamacpp_error"));
    assertFalse(r.toJson().containsKey("decode_ratio"));
    String text = r.toText();
    assertTrue(text.contains("not measured: cannot load"), text);
    assertTrue(text.contains("fathom"), text);
  }
}
