package dev.fathom.ops.gpu;

import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.ops.bench.EngineBenchmark;
import dev.fathom.ops.bench.PhaseTimes;
import dev.fathom.ops.bench.SpeculativeBenchmark;
import dev.fathom.ops.bench.SpeculativeRow;
import dev.fathom.ops.bench.SpeculativeWorkload;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The device-check steps that run a model on this JVM's compute backend: greedy text, logits for
 * comparison, prefill/decode speed and RAPID against plain decoding. Each fills a result map; the
 * planner ({@link CheckPlan}) compares backends and works out the bandwidth fractions.
 */
final class EngineSteps {
  /** Seed of the speculative workload's token ids (as {@code bench speculative}'s default). */
  static final long SEED = 42;

  private EngineSteps() {}

  /**
   * Opens {@code model=} with {@code threads=} and a context limit (0: the model's own, capped),
   * noting in {@code out} the backend, the model and how long loading took (a device backend
   * uploads the weights then).
   */
  static LocalLanguageModel open(StepArgs a, int context, Map<String, Object> out)
      throws IOException {
    EngineSettings settings = new EngineSettings(a.integer("threads", 1, 256), context, null);
    long t0 = System.nanoTime();
    LocalLanguageModel m = LocalLanguageModel.open(a.path("model"), settings);
    out.put("load_seconds", (System.nanoTime() - t0) / 1e9);
    out.put("backend", m.engine().model().backend().describe());
    out.put("model", m.name());
    out.put("bytes_per_token", m.engine().model().bytesPerToken());
    return m;
  }

  /** The prompt's greedy continuation: {@code tokens} ids and their text. */
  static void greedy(StepArgs a, Map<String, Object> out) throws IOException {
    int n = a.integer("tokens", 1, 4096);
    try (LocalLanguageModel m = open(a, 0, out)) {
      int[] prompt = m.promptTokens(a.text("prompt"));
      LlamaSequence seq = m.engine().newSequence();
      int[] generated = new int[n];
      int[] count = {0};
      long t0 = System.nanoTime();
      float[] logits = Decoding.prefill(seq, prompt);
      Decoding.decode(
          seq,
          logits,
          n,
          Sampler::argmax,
          token -> {
            generated[count[0]++] = token;
            return null;
          });
      out.put("seconds", (System.nanoTime() - t0) / 1e9);
      int[] tokens = Arrays.copyOf(generated, count[0]);
      out.put("prompt_tokens", prompt);
      out.put("tokens", tokens);
      out.put("text", m.tokenizer().decode(tokens));
    }
  }

  /**
   * Logits of a batched prefill of {@code positions} fixed token ids (every position) and of {@code
   * decode} single-token steps after it, written row-major to {@code out} — both the batched and
   * the one-position code paths of the backend.
   */
  static void logits(StepArgs a, Map<String, Object> out) throws IOException {
    int positions = a.integer("positions", 1, 256);
    int decode = a.integer("decode", 0, 256);
    try (LocalLanguageModel m = open(a, 0, out)) {
      LlamaSequence seq = m.engine().newSequence();
      int vocab = seq.vocabularySize();
      int[] ids = EngineBenchmark.promptTokens(positions + decode, vocab);
      float[] all = new float[(positions + decode) * vocab];
      float[] batch = seq.forward(Arrays.copyOf(ids, positions), true);
      System.arraycopy(batch, 0, all, 0, positions * vocab);
      for (int i = 0; i < decode; i++) {
        float[] one = seq.forward(new int[] {ids[positions + i]}, false);
        System.arraycopy(one, 0, all, (positions + i) * vocab, vocab);
      }
      LogitsDiff.write(a.path("out"), all);
      out.put("positions", positions);
      out.put("decode_steps", decode);
      out.put("vocabulary", vocab);
      out.put("logits_file", a.text("out"));
    }
  }

  /** {@code fathom bench engine}'s measurement: prefill and decode tokens per second. */
  static void speed(StepArgs a, Map<String, Object> out) throws IOException {
    int promptTokens = a.integer("prompt", 1, 4096);
    int decode = a.integer("decode", 1, 4096);
    int runs = a.integer("runs", 1, 20);
    try (LocalLanguageModel m = open(a, 0, out)) {
      LlamaSequence seq = m.engine().newSequence();
      int[] prompt = EngineBenchmark.promptTokens(promptTokens, seq.vocabularySize());
      PhaseTimes t = EngineBenchmark.run(seq, prompt, decode, runs);
      out.put("prompt_tokens", promptTokens);
      out.put("decode_tokens", decode);
      out.put("runs", runs);
      out.put("prefill_tok_s", t.prefillTokensPerSecond());
      out.put("prefill_tok_s_min", t.prefillMin());
      out.put("prefill_tok_s_max", t.prefillMax());
      out.put("decode_tok_s", t.decodeTokensPerSecond());
      out.put("decode_tok_s_min", t.decodeMin());
      out.put("decode_tok_s_max", t.decodeMax());
    }
  }

  /**
   * RAPID self-speculation against plain decoding at a long context ({@code bench speculative
   * --workload ids}): the target reads BOS + {@code long} ids + a question, the drafter (the same
   * model) the last {@code short} of them; greedy, η = 0, so the outputs must be identical.
   */
  static void rapid(StepArgs a, Map<String, Object> out) throws IOException {
    int longContext = a.integer("long", 1, 1 << 20);
    int shortContext = a.integer("short", 1, longContext);
    int tokens = a.integer("tokens", 1, 4096);
    int prompts = a.integer("prompts", 1, 64);
    int gamma = a.integer("gamma", 1, 64);
    int context = 1 + longContext + 16 + tokens + gamma + 1;
    try (LocalLanguageModel m = open(a, context, out)) {
      if (m.engine().model().maxPositions() < context) {
        throw new IllegalArgumentException(
            m.name()
                + " holds "
                + m.engine().model().maxPositions()
                + " positions; the workload needs "
                + context);
      }
      List<SpeculativeWorkload.Prompt> ps =
          SpeculativeWorkload.fromIds(
              prompts, longContext, shortContext, m.engine().config().vocabularySize(), SEED);
      SpeculativeBenchmark bench = new SpeculativeBenchmark(m, m, ps, tokens, 0f, SEED);
      RapidSettings rapid = RapidSettings.DEFAULTS.withGamma(gamma);
      bench.warmUp(List.of(rapid));
      SpeculativeRow r = bench.measure(rapid);
      out.put("long_context", longContext);
      out.put("short_context", shortContext);
      out.put("prompts", prompts);
      out.put("tokens_per_prompt", tokens);
      out.put("gamma", gamma);
      out.put("eta", 0);
      out.put("plain_tok_s", r.plainTokensPerSecond());
      out.put("spec_tok_s", r.specTokensPerSecond());
      out.put("speedup", r.speedup());
      out.put("median_speedup", r.medianSpeedup());
      out.put("acceptance", r.acceptance());
      out.put("mean_accepted", r.meanAccepted());
      out.put("rounds", r.rounds());
      out.put("plain_steps_in_spec", r.plainSteps());
      out.put("gate_off_decisions", r.gateOffDecisions());
      out.put("identical_prompts", r.identical());
      out.put("lossless", r.identical() == prompts);
    }
  }
}
