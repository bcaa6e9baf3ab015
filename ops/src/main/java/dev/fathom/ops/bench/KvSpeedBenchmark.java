package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.EvictingSequence;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.memory.KvEvictionPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fathom bench kv --budget … --synthetic}: what a KV budget does to speed and memory on a
 * model of realistic shape, such as the synthetic TinyLlama-1.1B of {@code fathom model synth
 * --shape tinyllama} (random weights: its predictions mean nothing, so no fidelity is measured). A
 * synthetic long input — {@code inputTokens} deterministic token ids — is read in the engine's
 * prefill chunks (an evicting sequence in slices that fit its budget), then {@code decodeTokens}
 * tokens are decoded greedily. Reported per policy and budget, and for the full cache: prefill
 * time, decode speed, and KV bytes held at the end.
 */
public final class KvSpeedBenchmark {
  private KvSpeedBenchmark() {}

  /** One policy at one budget ({@code policy} "full" for the unbounded cache). */
  public record Row(
      String policy,
      int budget,
      double prefillMs,
      double decodeTokensPerSecond,
      long kvBytes,
      long fullKvBytes) {
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", policy);
      m.put("budget", budget);
      m.put("prefill_ms", prefillMs);
      m.put("decode_tok_s", decodeTokensPerSecond);
      m.put("kv_bytes", kvBytes);
      m.put("full_kv_bytes", fullKvBytes);
      return m;
    }

    public String toText() {
      return String.format(
          Locale.ROOT,
          "synthetic %-14s budget %5d  prefill %,.0f ms  decode %.2f tok/s  KV %,d of %,d bytes%n",
          policy,
          budget,
          prefillMs,
          decodeTokensPerSecond,
          kvBytes,
          fullKvBytes);
    }
  }

  public static List<Row> run(
      LlamaEngine engine,
      int inputTokens,
      int decodeTokens,
      int[] budgets,
      List<KvEvictionPolicy> policies) {
    if (inputTokens < 2 || decodeTokens < 1) {
      throw new IllegalArgumentException(
          "inputTokens must be ≥ 2 and decodeTokens ≥ 1, got " + inputTokens + ", " + decodeTokens);
    }
    int[] input = EngineBenchmark.promptTokens(inputTokens, engine.config().vocabularySize());
    long perPosition = KvBenchmarks.kvBytesPerPosition(engine);
    long full = (long) (inputTokens + decodeTokens) * perPosition;
    List<Row> rows = new ArrayList<>();
    rows.add(measure("full", 0, engine.newSequence(), input, decodeTokens, perPosition, full));
    for (KvEvictionPolicy policy : policies) {
      for (int budget : budgets) {
        EvictingSequence seq = new EvictingSequence(engine.newSequence(), policy, budget);
        rows.add(measure(policy.name(), budget, seq, input, decodeTokens, perPosition, full));
      }
    }
    return rows;
  }

  private static Row measure(
      String name,
      int budget,
      Sequence seq,
      int[] input,
      int decodeTokens,
      long perPosition,
      long full) {
    long t0 = System.nanoTime();
    float[] logits = Decoding.prefill(seq, input);
    long t1 = System.nanoTime();
    for (int i = 0; i < decodeTokens; i++) {
      int next = Sampler.argmax(logits);
      if (i + 1 < decodeTokens) {
        logits = seq.forward(new int[] {next}, false);
      }
    }
    long t2 = System.nanoTime();
    double decodeSeconds = Math.max(1, t2 - t1) / 1e9;
    return new Row(
        name,
        budget,
        (t1 - t0) / 1e6,
        Math.max(1, decodeTokens - 1) / decodeSeconds,
        seq.length() * perPosition,
        full);
  }
}
