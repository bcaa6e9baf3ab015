package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.drafters.speculative.SamplerPolicy;
import dev.fathom.drafters.speculative.SpeculationMemory;
import dev.fathom.drafters.speculative.SpeculationStats;
import dev.fathom.drafters.speculative.SpeculativeDecoder;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Set;

/**
 * The two timed runs {@link SpeculativeBenchmark} compares: plain decoding of the target, and RAPID
 * speculative decoding, on sequences that already hold all of a prompt but its last token.
 *
 * <p>Each prompt is prefilled once, untimed, into one target and one drafter sequence; every run
 * cuts them back to that prefix ({@link Sequence#truncate}) and decodes from there. So the clock
 * covers decoding only (the forward pass of the prompt's last token, then {@code maxTokens − 1}
 * more), both runs of a pair read the very same KV cache memory, and a long prompt is prefilled
 * once per benchmark rather than once per run. Stop tokens are ignored (as llama-bench does), so
 * every run decodes exactly {@code maxTokens} tokens.
 */
final class SpeculativeRuns {
  private final LocalLanguageModel target;
  private final LocalLanguageModel drafter;
  private final int maxTokens;
  private final float temperature;
  private final SpeculationMemory memory; // null: every speculative run starts its gate cold

  SpeculativeRuns(
      LocalLanguageModel target,
      LocalLanguageModel drafter,
      int maxTokens,
      float temperature,
      SpeculationMemory memory) {
    this.target = target;
    this.drafter = drafter;
    this.maxTokens = maxTokens;
    this.temperature = temperature;
    this.memory = memory;
  }

  /** A prompt and the sequences holding all of it but the last token. */
  record Prefilled(SpeculativeWorkload.Prompt prompt, Sequence target, Sequence drafter) {}

  /**
   * A run's tokens, decoding time, CPU time of all the JVM's threads over the run, and (speculative
   * runs) what speculation did.
   */
  record Timed(int[] tokens, long nanos, long cpuNanos, SpeculationStats stats) {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * CPU time of all live threads, in nanoseconds: unlike the wall clock, it does not grow while the
   * run's threads wait for a core another process holds, so on a shared machine it measures the
   * work (with one compute thread exactly; with more it also counts workers spinning for a
   * descheduled peer). The process CPU clock of the JVM ticks in 10 ms here, too coarse for runs of
   * 20 ms; per-thread clocks are exact.
   */
  static long cpuNanos() {
    long sum = 0;
    for (long t : THREADS.getThreadCpuTime(THREADS.getAllThreadIds())) {
      sum += Math.max(0, t);
    }
    return sum;
  }

  Prefilled prefill(SpeculativeWorkload.Prompt p) {
    return new Prefilled(p, prefix(target, p.target()), prefix(drafter, p.draft()));
  }

  private static Sequence prefix(LocalLanguageModel model, int[] prompt) {
    Sequence s = model.engine().newSequence();
    if (prompt.length > 1) {
      Decoding.prefill(s, prompt, 0, prompt.length - 1);
    }
    return s;
  }

  /**
   * The target alone, in the engine's decode loop as {@link LocalLanguageModel#generate}, minus
   * stops.
   */
  Timed plain(Prefilled f, long seed) {
    int[] prompt = f.prompt().target();
    Sequence seq = f.target();
    seq.truncate(prompt.length - 1);
    Sampler sampler = new Sampler(settings(seed));
    int vocab = seq.vocabularySize();
    int[] history = Arrays.copyOf(prompt, prompt.length + maxTokens);
    int[] n = {prompt.length};
    long c0 = cpuNanos();
    long t0 = System.nanoTime();
    float[] logits = Decoding.prefill(seq, prompt, prompt.length - 1, prompt.length);
    Decoding.decode(
        seq,
        logits,
        maxTokens,
        l -> sampler.sample(l, vocab, history, n[0]),
        token -> {
          history[n[0]++] = token;
          return null;
        });
    long nanos = System.nanoTime() - t0;
    long cpu = cpuNanos() - c0;
    return new Timed(Arrays.copyOfRange(history, prompt.length, n[0]), nanos, cpu, null);
  }

  /** RAPID with {@code rapid}'s settings; its gate remembers across runs unless cold. */
  Timed speculative(Prefilled f, RapidSettings rapid, long seed) {
    SpeculativeWorkload.Prompt p = f.prompt();
    f.target().truncate(p.target().length - 1);
    f.drafter().truncate(p.draft().length - 1);
    SpeculativeDecoder decoder =
        new SpeculativeDecoder(
            rapid, new SamplerPolicy(new Sampler(settings(seed))), Set.of(), memory);
    long c0 = cpuNanos();
    long begin = System.nanoTime();
    SpeculativeDecoder.Result r =
        decoder.generate(f.target(), p.target(), f.drafter(), p.draft(), maxTokens, x -> true);
    long nanos = System.nanoTime() - begin;
    long cpu = cpuNanos() - c0;
    return new Timed(r.tokens(), nanos, cpu, r.stats());
  }

  private GenerationSettings settings(long s) {
    return GenerationSettings.GREEDY
        .withMaxTokens(maxTokens)
        .withTemperature(temperature)
        .withSeed(s);
  }
}
