package dev.fathom.ops.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code fathom bench engine} measured, and its two printed forms.
 *
 * @param model the GGUF file
 * @param machine CPU, cores, OS and Java version
 * @param threads compute threads of both engines and of the bandwidth probe
 * @param promptTokens tokens in the prefilled prompt
 * @param decodeTokens greedy tokens decoded after it
 * @param fathom Fathom's throughput
 * @param bytesPerToken bytes of weights a decode step reads (every matrix once)
 * @param bandwidth this machine's measured read bandwidth with {@code threads} threads, measured
 *     just before this row
 * @param llamaCpp llama.cpp's throughput on the same file and tokens, or null when not asked for or
 *     unavailable
 * @param llamaCppError why llama.cpp was asked for but has no numbers, or null
 */
public record EngineBenchReport(
    String model,
    String machine,
    int threads,
    int promptTokens,
    int decodeTokens,
    PhaseTimes fathom,
    long bytesPerToken,
    BandwidthProbe.Result bandwidth,
    PhaseTimes llamaCpp,
    String llamaCppError) {

  public EngineBenchReport {
    if (bytesPerToken <= 0) {
      throw new IllegalArgumentException("bytesPerToken must be > 0, got " + bytesPerToken);
    }
    if (llamaCpp != null && llamaCppError != null) {
      throw new IllegalArgumentException("llama.cpp has numbers and an error: " + llamaCppError);
    }
  }

  /**
   * Share of the memory-bandwidth bound that decoding reaches: each decoded token streams {@code
   * bytesPerToken} of weights, so {@code decode tokens/s × bytesPerToken} is the read rate the
   * decoder sustains, here divided by the rate this machine can read at all.
   */
  public double fractionOfBound() {
    return fractionOfBound(fathom);
  }

  private double fractionOfBound(PhaseTimes t) {
    return t.decodeTokensPerSecond() * bytesPerToken / bandwidth.bytesPerSecond();
  }

  /** How both engines were timed, printed with the numbers. */
  public String method() {
    return "warm-up runs for "
        + EngineBenchmark.WARMUP_SECONDS
        + " s (at least one), then the median of "
        + fathom.runs()
        + " timed runs"
        + (llamaCpp != null
            ? " per engine, llama.cpp in its own process, the engines alternating run by run"
            : "")
        + "; prefill = forward passes of at most 256 positions over the prompt,"
        + " decode = one forward pass"
        + " per greedy token";
  }

  /**
   * {@code {"model", "machine", "threads", "prompt_tokens", "decode_tokens", "method",
   * "prefill_tok_s", "decode_tok_s", "bytes_per_token", "bandwidth_gb_s", "bandwidth_streams",
   * "fraction_of_bound"}}, plus {@code "llamacpp", "llamacpp_prefill_tok_s",
   * "llamacpp_decode_tok_s", "llamacpp_fraction_of_bound", "prefill_ratio", "decode_ratio"} (Fathom
   * ÷ llama.cpp) when llama.cpp ran, or {@code "llamacpp_error"} when it was asked for and could
   * not.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("machine", machine);
    m.put("threads", threads);
    m.put("prompt_tokens", promptTokens);
    m.put("decode_tokens", decodeTokens);
    m.put("method", method());
    m.put("prefill_tok_s", round(fathom.prefillTokensPerSecond(), 1));
    m.put("decode_tok_s", round(fathom.decodeTokensPerSecond(), 2));
    m.put("runs", fathom.runs());
    spread(m, "", fathom);
    m.put("bytes_per_token", bytesPerToken);
    m.put("bandwidth_gb_s", round(bandwidth.gbPerSecond(), 2));
    m.put("bandwidth_streams", bandwidth.streams());
    m.put("fraction_of_bound", round(fractionOfBound(), 3));
    if (llamaCpp != null) {
      m.put("llamacpp", LlamaCppBenchmark.ARTIFACT);
      m.put("llamacpp_prefill_tok_s", round(llamaCpp.prefillTokensPerSecond(), 1));
      m.put("llamacpp_decode_tok_s", round(llamaCpp.decodeTokensPerSecond(), 2));
      spread(m, "llamacpp_", llamaCpp);
      m.put("llamacpp_fraction_of_bound", round(fractionOfBound(llamaCpp), 3));
      m.put("prefill_ratio", round(prefillRatio(), 3));
      m.put("decode_ratio", round(decodeRatio(), 3));
    }
    if (llamaCppError != null) {
      m.put("llamacpp_error", llamaCppError);
    }
    return m;
  }

  /** {@code PREFIX prefill_tok_s_min/max} and {@code decode_tok_s_min/max}: the spread of runs. */
  private static void spread(Map<String, Object> m, String prefix, PhaseTimes t) {
    m.put(prefix + "prefill_tok_s_min", round(t.prefillMin(), 1));
    m.put(prefix + "prefill_tok_s_max", round(t.prefillMax(), 1));
    m.put(prefix + "decode_tok_s_min", round(t.decodeMin(), 2));
    m.put(prefix + "decode_tok_s_max", round(t.decodeMax(), 2));
  }

  /** Fathom's prefill throughput ÷ llama.cpp's (1.0 = as fast). */
  public double prefillRatio() {
    return fathom.prefillTokensPerSecond() / llamaCpp.prefillTokensPerSecond();
  }

  /** Fathom's decode throughput ÷ llama.cpp's (1.0 = as fast). */
  public double decodeRatio() {
    return fathom.decodeTokensPerSecond() / llamaCpp.decodeTokensPerSecond();
  }

  /** The human-readable table. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append("model: ").append(model).append('\n');
    b.append("machine: ").append(machine).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "%d threads, %d prompt tokens, %d decoded tokens; %s%n",
            threads,
            promptTokens,
            decodeTokens,
            method()));
    b.append(
        String.format(
            Locale.ROOT,
            "weights read per decoded token: %.1f MiB; measured read bandwidth: %.2f GB/s"
                + " (%d threads, best of %d passes over %d MiB, %d %s per thread)%n",
            bytesPerToken / 1048576.0,
            bandwidth.gbPerSecond(),
            bandwidth.threads(),
            bandwidth.passes(),
            bandwidth.bytes() >> 20,
            bandwidth.streams(),
            bandwidth.streams() == 1 ? "stream" : "streams"));
    b.append(
        String.format(
            Locale.ROOT,
            "%-10s %14s %15s %14s %15s %18s%n",
            "engine",
            "prefill tok/s",
            "(min–max)",
            "decode tok/s",
            "(min–max)",
            "fraction of bound"));
    row(b, "fathom", fathom);
    if (llamaCpp != null) {
      row(b, "llama.cpp", llamaCpp);
      b.append(
          String.format(
              Locale.ROOT,
              "%-10s %14.2f %15s %14.2f%n",
              "ratio",
              prefillRatio(),
              "",
              decodeRatio()));
      b.append("(ratio = Fathom ÷ llama.cpp; llama.cpp is ")
          .append(LlamaCppBenchmark.ARTIFACT)
          .append(" in its own process on the same file, tokens and threads; medians of")
          .append(" alternating runs)\n");
    }
    if (fractionOfBound() > 1 || (llamaCpp != null && fractionOfBound(llamaCpp) > 1)) {
      b.append(
          "(a fraction above 1: decoding read weights faster than the probe read memory, so the"
              + " probe's figure is no bound here: either the weights fit in the CPU caches, or"
              + " memory was slower while the probe ran; run again on a quieter machine)\n");
    }
    if (llamaCppError != null) {
      b.append("llama.cpp: not measured: ").append(llamaCppError).append('\n');
    }
    return b.toString();
  }

  private void row(StringBuilder b, String engine, PhaseTimes t) {
    b.append(
        String.format(
            Locale.ROOT,
            "%-10s %14.1f %15s %14.2f %15s %18.3f%n",
            engine,
            t.prefillTokensPerSecond(),
            String.format(Locale.ROOT, "%.1f–%.1f", t.prefillMin(), t.prefillMax()),
            t.decodeTokensPerSecond(),
            String.format(Locale.ROOT, "%.2f–%.2f", t.decodeMin(), t.decodeMax()),
            fractionOfBound(t)));
  }

  private static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }
}
